import { createVerify, verify } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSandbox } from '../src/index.js';
import { api, form, limaWeekdaySlot, startReceiver, startWorld, type World } from './helpers.js';

let dir: string;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ghl-sandbox-state-'));
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await rm(dir, { recursive: true, force: true });
});

function creds(w: World, extra: Record<string, string>): Record<string, string> {
  return { client_id: w.sandbox.clientId, client_secret: w.sandbox.clientSecret, ...extra };
}

describe('state file', () => {
  it('keeps records, blocks, tokens, codes, the clock and the signing keys across a restart', async () => {
    const file = join(dir, 'restart', 'state.json');
    const first = await startWorld({ stateFile: file });
    const slot = limaWeekdaySlot(0, 10, 0);
    const created = await api(first, 'POST', '/calendars/events/appointments', {
      body: {
        calendarId: first.calendarId,
        locationId: first.locationId,
        contactId: first.contactId,
        startTime: slot.iso,
        description: 'first visit',
      },
    });
    const appointmentId = (created.body as { id: string }).id;
    await first.sandbox.admin.uiUpdateAppointment(appointmentId, { notes: 'bring x-rays' });
    const block = await first.sandbox.admin.uiCreateBlockedSlot({
      calendarId: first.calendarId,
      startTime: limaWeekdaySlot(0, 15, 0).iso,
      endTime: limaWeekdaySlot(0, 16, 0).iso,
    });
    await first.sandbox.admin.uiAddContactTags(first.contactId, ['vip']);
    // A rotation: the first refresh token is spent, the second is live.
    const rotated = await form(
      `${first.sandbox.url}/oauth/token`,
      creds(first, { grant_type: 'refresh_token', refresh_token: first.refreshToken }),
    );
    const pair = rotated.body as { access_token: string; refresh_token: string };
    // A consent whose code is not exchanged yet.
    const consent = await fetch(
      `${first.sandbox.url}/oauth/chooselocation?${new URLSearchParams({
        response_type: 'code',
        client_id: first.sandbox.clientId,
        redirect_uri: 'http://127.0.0.1:9/callback',
      })}`,
      { redirect: 'manual' },
    );
    const code = new URL(consent.headers.get('location') ?? '').searchParams.get('code') ?? '';
    // Less than the 10-minute life of the code, which must still be exchangeable after the restart.
    const { offsetMs } = await first.sandbox.admin.advanceClock(300_000);
    const firstKeys = first.sandbox.publicKeys;
    await first.sandbox.close();

    const entries = await readdir(join(dir, 'restart'));
    expect(entries).toEqual(['state.json']); // no temporary file left behind
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const sandbox = await startSandbox({
      stateFile: file,
      webhook: { url: receiver.url },
      // Ignored: the state file exists.
      seed: { contacts: [{ id: 'contact-from-seed', locationId: first.locationId }] },
    });
    try {
      const second: World = { ...first, sandbox, accessToken: first.accessToken };
      expect(sandbox.restored).toBe(true);
      expect(sandbox.publicKeys).toEqual(firstKeys);
      expect((await sandbox.admin.contacts()).map((c) => c.id)).not.toContain('contact-from-seed');

      // The token minted before the restart still works, and sees the records.
      const got = await api(second, 'GET', `/calendars/events/appointments/${appointmentId}`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({
        event: {
          startTime: slot.iso,
          notes: 'bring x-rays',
          description: 'first visit',
          assignedUserId: 'user-1',
        },
      });
      const calendar = await api(second, 'GET', `/calendars/${first.calendarId}`);
      expect(calendar.body).toMatchObject({
        calendar: { name: 'Consultas', teamMembers: [{ userId: 'user-1' }] },
      });
      const contact = await api(second, 'GET', `/contacts/${first.contactId}`);
      expect(contact.body).toMatchObject({ contact: { email: 'ana@example.com', tags: ['vip'] } });
      const blocks = await api(
        second,
        'GET',
        `/calendars/blocked-slots?locationId=${first.locationId}&calendarId=${first.calendarId}&startTime=${slot.ms}&endTime=${slot.ms + 86_400_000}`,
      );
      expect(blocks.body).toMatchObject({ events: [{ id: block.id }] });

      // Tokens, refresh tokens and codes as they were: spent stays spent, live stays live.
      expect(
        (await api(second, 'GET', `/calendars/${first.calendarId}`, { token: pair.access_token })).status,
      ).toBe(200);
      const spent = await form(
        `${sandbox.url}/oauth/token`,
        creds(second, { grant_type: 'refresh_token', refresh_token: first.refreshToken }),
      );
      expect(spent.status).toBe(400);
      const live = await form(
        `${sandbox.url}/oauth/token`,
        creds(second, { grant_type: 'refresh_token', refresh_token: pair.refresh_token }),
      );
      expect(live.status).toBe(200);
      const exchanged = await form(
        `${sandbox.url}/oauth/token`,
        creds(second, { grant_type: 'authorization_code', code, user_type: 'Location' }),
      );
      expect(exchanged.status).toBe(200);
      expect((await (await fetch(`${sandbox.url}/_sandbox/clock`)).json()) as unknown).toMatchObject({
        offsetMs,
      });

      // Webhooks are signed with the same keys, so a receiver configured before still verifies.
      await sandbox.admin.uiUpdateAppointment(appointmentId, { title: 'Control' });
      await sandbox.admin.webhooksIdle();
      const hook = receiver.received.findLast((h) => h.json.type === 'AppointmentUpdate');
      if (!hook) throw new Error('no AppointmentUpdate received');
      expect(hook.json).toMatchObject({ type: 'AppointmentUpdate', appointment: { id: appointmentId } });
      const ed = Buffer.from(String(hook.headers['x-ghl-signature']), 'base64');
      expect(verify(null, hook.raw, firstKeys.ed25519, ed)).toBe(true);
      const rsa = String(hook.headers['x-wh-signature']);
      expect(createVerify('SHA256').update(hook.raw).verify(firstKeys.rsa, rsa, 'base64')).toBe(true);
    } finally {
      await sandbox.close();
    }
  });

  it('writes the file shortly after a change, without waiting for close', async () => {
    const file = join(dir, 'debounced.json');
    const w = await startWorld({ stateFile: file, stateSaveDelayMs: 20 });
    try {
      const made = await w.sandbox.admin.uiCreateAppointment({
        calendarId: w.calendarId,
        contactId: w.contactId,
        startTime: limaWeekdaySlot(1, 9, 0).iso,
      });
      await vi.waitFor(
        async () => {
          expect(await readFile(file, 'utf8')).toContain(made.id);
        },
        { timeout: 5000, interval: 25 },
      );
    } finally {
      await w.sandbox.close();
    }
  });

  it('refuses to start on a file that is not a sandbox state, naming the file', async () => {
    const notJson = join(dir, 'garbage.json');
    await writeFile(notJson, 'not json');
    await expect(startSandbox({ stateFile: notJson })).rejects.toThrow(/garbage\.json is not JSON/);
    const other = join(dir, 'other.json');
    await writeFile(other, '{"hello":"world"}');
    await expect(startSandbox({ stateFile: other })).rejects.toThrow(/other\.json is not a sandbox state/);
    expect(await readFile(other, 'utf8')).toBe('{"hello":"world"}');
    // A path that cannot be written fails the start rather than every save after it.
    await writeFile(join(dir, 'a-file'), '');
    await expect(startSandbox({ stateFile: join(dir, 'a-file', 'state.json') })).rejects.toThrow(
      /ENOTDIR|EEXIST/,
    );
  });
});
