import { createApiKey, listApiKeys, revokeApiKey } from '@ghl-bridge/db';
import { test } from '@ghl-bridge/testing';
import { describe, expect } from 'vitest';
import { runKeysCommand } from '../src/cli/keys-command.js';
import { citaBody, FOREIGN_CAL, OTHER_LOC, startStaffApp } from './staff-helpers.js';

describe('staff API authentication', () => {
  test('answers 401 without a key, with a malformed header, with an unknown or revoked key', async ({
    database,
    config,
  }) => {
    const { app, close } = await startStaffApp(database, config);
    const revoked = await createApiKey(database.db, { name: 'old', locationIds: ['loc_staff_1'] });
    await revokeApiKey(database.db, revoked.apiKey.id);
    try {
      for (const headers of [
        {},
        { authorization: 'Basic abc' },
        { authorization: 'Bearer ghlb_not-a-key' },
        { authorization: `Bearer ${revoked.secret}` },
      ]) {
        for (const url of ['/api/ghl/citas/', '/api/ghl/citas', '/api/ghl/locations/loc_staff_1/settings']) {
          const response = await app.inject({ method: 'GET', url, headers });
          expect(response.statusCode).toBe(401);
          expect(response.json()).toEqual({ error: 'unauthorized', message: expect.any(String) });
        }
      }
    } finally {
      await close();
    }
  });

  test('answers 403 for a location outside the key scope', async ({ database, config }) => {
    const { app, auth, close } = await startStaffApp(database, config);
    try {
      const post = await app.inject({
        method: 'POST',
        url: '/api/ghl/citas/',
        headers: auth,
        payload: citaBody({ location_id: OTHER_LOC }),
      });
      expect(post.statusCode).toBe(403);
      expect(post.json()).toMatchObject({ error: 'forbidden' });
      const list = await app.inject({ url: `/api/ghl/citas?location_id=${OTHER_LOC}`, headers: auth });
      expect(list.statusCode).toBe(403);
      const settings = await app.inject({ url: `/api/ghl/locations/${OTHER_LOC}/settings`, headers: auth });
      expect(settings.statusCode).toBe(403);

      // A cita of another location, read with this key.
      const other = await createApiKey(database.db, { name: 'other', locationIds: [OTHER_LOC] });
      const created = await app.inject({
        method: 'POST',
        url: '/api/ghl/citas',
        headers: { authorization: `Bearer ${other.secret}` },
        payload: citaBody({ location_id: OTHER_LOC, calendar_id: FOREIGN_CAL }),
      });
      expect(created.statusCode).toBe(202);
      const id = created.json().id;
      expect((await app.inject({ url: `/api/ghl/citas/${id}/`, headers: auth })).statusCode).toBe(403);
      const cancel = await app.inject({ method: 'POST', url: `/api/ghl/citas/${id}/cancel`, headers: auth });
      expect(cancel.statusCode).toBe(403);
    } finally {
      await close();
    }
  });

  test('keys create, list and revoke work end to end through the CLI functions', async ({
    database,
    config,
  }) => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) };
    const db = database.db;
    const { app, close } = await startStaffApp(database, config);

    expect(
      await runKeysCommand(db, ['create', '--name', 'front desk', '--locations', 'loc_a, loc_b'], io),
    ).toBe(0);
    const secret = out.join('').match(/ghlb_[\w-]{43}/)?.[0];
    const id = out.join('').match(/Created API key ([0-9a-f-]{36})/)?.[1];
    expect(secret).toBeDefined();
    expect(id).toBeDefined();

    out.length = 0;
    expect(await runKeysCommand(db, ['list'], io)).toBe(0);
    expect(out.join('')).toContain(`${id}`);
    expect(out.join('')).toContain('[loc_a,loc_b]  active');
    expect(out.join('')).not.toContain(secret);

    try {
      const headers = { authorization: `Bearer ${secret}` };
      expect((await app.inject({ url: '/api/ghl/locations/loc_a/settings', headers })).statusCode).toBe(200);
      expect(await runKeysCommand(db, ['revoke', id ?? ''], io)).toBe(0);
      expect((await app.inject({ url: '/api/ghl/locations/loc_a/settings', headers })).statusCode).toBe(401);
    } finally {
      await close();
    }
    expect(await runKeysCommand(db, ['revoke', id ?? ''], io)).toBe(1);
    expect(await runKeysCommand(db, ['create', '--name', 'x'], io)).toBe(2);
    expect(await runKeysCommand(db, ['frobnicate'], io)).toBe(2);
    // A location id no GHL location has is refused before anything is stored.
    err.length = 0;
    const keysBefore = (await listApiKeys(db)).length;
    expect(
      await runKeysCommand(db, ['create', '--name', 'x', '--locations', 'loc_a,loc with space'], io),
    ).toBe(2);
    expect(err.join('')).toContain('not a GHL location id: "loc with space"');
    expect(await listApiKeys(db)).toHaveLength(keysBefore);
  });
});
