import {
  createWorkflowSecret,
  listWorkflowSecrets,
  registerConfiguredWorkflowSecret,
  revokeWorkflowSecret,
} from '@ghl-bridge/db';
import { appointmentEvent, contactEvent, test } from '@ghl-bridge/testing';
import { describe, expect } from 'vitest';
import { runWorkflowSecretsCommand } from '../src/cli/workflow-secrets-command.js';
import { startTestApp } from './test-app.js';

const URL = '/api/webhooks/ghl/workflow';

function post(app: Awaited<ReturnType<typeof startTestApp>>['app'], body: unknown, secret?: string) {
  return app.inject({
    method: 'POST',
    url: URL,
    payload: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(secret ? { 'x-ghl-bridge-secret': secret } : {}) },
  });
}

describe('POST /api/webhooks/ghl/workflow (GHL workflow Custom Webhooks, one location per secret)', () => {
  test('the CLI makes a secret, shows it once, and a workflow body with it is stored for its location', async ({
    config,
    database,
  }) => {
    const out: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void out.push(t) };
    expect(
      await runWorkflowSecretsCommand(database.db, ['create', '--location', 'loc-a', '--name', 'citas'], io),
    ).toBe(0);
    const secret = /\n(ghlw_\S+)\n$/.exec(out.join(''))?.[1] ?? '';
    expect(secret).toMatch(/^ghlw_/);
    out.length = 0;
    expect(await runWorkflowSecretsCommand(database.db, ['list'], io)).toBe(0);
    expect(out.join('')).toContain('[loc-a]  active');
    expect(out.join('')).not.toContain(secret);
    const [row] = await listWorkflowSecrets(database.db);

    const { app, queues, close } = await startTestApp({ config });
    try {
      // GHL's workflow bodies are whatever the action builds; this one leaves locationId out.
      const { locationId: _, ...withoutLocation } = appointmentEvent({ type: 'AppointmentUpdate' });
      const response = await post(app, withoutLocation, secret);
      expect(response.statusCode).toBe(200);
      const [job] = await queues.webhooks.getJobs(['waiting']);
      expect(job?.data.event.locationId).toBe('loc-a');
      expect(job?.data.source).toEqual({ kind: 'workflow', locationId: 'loc-a', secretId: row?.id });
      expect(JSON.stringify(job?.data)).not.toContain(secret);
      // Its webhookId is the workflow author's: namespaced so it cannot shadow another location's.
      expect(job?.data.webhookId).toBe(`workflow:loc-a:${withoutLocation.webhookId}`);

      const sameLocation = contactEvent('ContactUpdate', { locationId: 'loc-a' });
      expect((await post(app, sameLocation, secret)).statusCode).toBe(200);
      expect(await queues.webhooks.count()).toBe(2);

      // A resend with the author's webhookId is one event; a body without one is a state the
      // workflow saw, so the same body later (a status set back) is applied again, not dropped.
      expect((await post(app, withoutLocation, secret)).json().jobId).toBe(response.json().jobId);
      const { webhookId: _id, ...noId } = appointmentEvent({
        type: 'AppointmentUpdate',
        locationId: 'loc-a',
      });
      const first = (await post(app, noId, secret)).json().jobId;
      const again = (await post(app, noId, secret)).json().jobId;
      expect(again).not.toBe(first);
      expect(await queues.webhooks.count()).toBe(4);
    } finally {
      await close();
    }
  });

  test('no, unknown or revoked secret: 401; another location: 403; INSTALL and other types: 422; nothing stored', async ({
    config,
    database,
  }) => {
    const { workflowSecret, secret } = await createWorkflowSecret(database.db, {
      locationId: 'loc-a',
      name: 'a',
    });
    const revoked = await createWorkflowSecret(database.db, { locationId: 'loc-a', name: 'old' });
    expect(await revokeWorkflowSecret(database.db, revoked.workflowSecret.id)).toBe(true);
    const { app, queues, close } = await startTestApp({ config });
    try {
      const event = appointmentEvent({ locationId: 'loc-a' });
      for (const [secretSent, error] of [
        [undefined, 'invalid_secret'],
        [`${secret}x`, 'invalid_secret'],
        [revoked.secret, 'invalid_secret'],
        ['x'.repeat(5000), 'invalid_secret'],
      ] as const) {
        const response = await post(app, event, secretSent);
        expect(response.statusCode).toBe(401);
        expect(response.json()).toEqual({ error, message: expect.any(String) });
      }
      const elsewhere = await post(app, appointmentEvent({ locationId: 'loc-b' }), secret);
      expect(elsewhere.statusCode).toBe(403);
      expect(elsewhere.json()).toMatchObject({ error: 'wrong_location' });
      expect(elsewhere.body).not.toContain('loc-b');
      for (const type of ['INSTALL', 'UNINSTALL', 'OpportunityCreate', 42]) {
        const response = await post(app, { type, locationId: 'loc-a', companyId: 'c' }, secret);
        expect(response.statusCode).toBe(422);
        expect(response.json()).toMatchObject({ error: 'unsupported_event_type' });
      }
      // Bodies a person wrote that could never be applied: refused with the reason, not failed later.
      const badTime = appointmentEvent({ locationId: 'loc-a' });
      (badTime.appointment as Record<string, unknown>).startTime = '2026-12-18 09:00';
      const { id: _id, ...contactWithoutId } = contactEvent('ContactUpdate', { locationId: 'loc-a' });
      for (const body of [{ ...event, appointment: 'oops' }, badTime, contactWithoutId]) {
        const response = await post(app, body, secret);
        expect(response.statusCode).toBe(422);
        expect(response.json()).toEqual({
          error: 'invalid_event',
          message: expect.stringContaining("does not match GHL's shape"),
        });
      }
      const deep = `{"type":"ContactUpdate","x":${'['.repeat(100)}${']'.repeat(100)}}`;
      const tooDeep = await post(app, deep, secret);
      expect(tooDeep.statusCode).toBe(400);
      expect(tooDeep.json()).toMatchObject({ error: 'too_deep' });
      expect(await queues.webhooks.count()).toBe(0);
      expect(workflowSecret.locationId).toBe('loc-a');
    } finally {
      await close();
    }
  });

  test('GHL_WEBHOOK_SECRET becomes the location secret at start; a new value replaces it; a revoked one stays revoked', async ({
    config,
    database,
  }) => {
    const first = 'configured-secret-0123456789';
    const second = 'configured-secret-9876543210';
    const register = (secret: string) =>
      registerConfiguredWorkflowSecret(database.db, { locationId: 'loc-one', secret });
    expect(await register(first)).toBe('registered');
    expect(await register(first)).toBe('already_registered');

    const { app, queues, close } = await startTestApp({ config });
    try {
      const event = contactEvent('ContactCreate', { locationId: 'loc-one' });
      expect((await post(app, event, first)).statusCode).toBe(200);
      expect(await register(second)).toBe('registered');
      expect((await post(app, contactEvent('ContactUpdate'), first)).statusCode).toBe(401);
      const moved = await post(app, contactEvent('ContactUpdate', { locationId: undefined }), second);
      expect(moved.statusCode).toBe(200);

      const configured = (await listWorkflowSecrets(database.db)).find((s) => !s.revokedAt);
      expect(configured?.secretPrefix).toBe(second.slice(0, 4));
      await revokeWorkflowSecret(database.db, configured?.id ?? '');
      expect(await register(second)).toBe('revoked_by_operator');
      expect((await post(app, contactEvent('ContactUpdate'), second)).statusCode).toBe(401);
      expect(await queues.webhooks.count()).toBe(2);
    } finally {
      await close();
    }
  });
});
