import { type Config, loadConfig } from '@ghl-bridge/config';
import { createApiKey, type Db, webhookEvents } from '@ghl-bridge/db';
import { QUEUE_NAMES } from '@ghl-bridge/jobs';
import { appointmentEvent, test, testEnv } from '@ghl-bridge/testing';
import { createWorker } from '@ghl-bridge/worker';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { runOpsCommand } from '../src/cli/ops-commands.js';
import { startTestApp } from './test-app.js';

const TOKEN = 'admin-token-for-tests-0123456789abcdef';
const bearer = { authorization: `Bearer ${TOKEN}` };
const basic = { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` };

function adminConfig(
  database: { url: string },
  queuePrefix: string,
  extra: Record<string, string> = {},
): Config {
  return loadConfig(
    testEnv({ DATABASE_URL: database.url, QUEUE_PREFIX: queuePrefix, ADMIN_TOKEN: TOKEN, ...extra }),
  );
}

async function failedEvent(db: Db) {
  const event = appointmentEvent();
  const [row] = await db
    .insert(webhookEvents)
    .values({
      webhookId: String(event.webhookId),
      payloadHash: `${'f'.repeat(56)}${Math.random().toString(16).slice(2, 10).padEnd(8, '0')}`,
      eventType: 'AppointmentCreate',
      status: 'failed',
      attempts: 8,
      lastError: 'Error: db was down',
      payload: event,
    })
    .returning();
  if (!row) throw new Error('no row');
  return row;
}

describe('operator surface', () => {
  test('Bull Board lists every queue for the admin token (bearer or basic) and refuses anyone else', async ({
    database,
    queuePrefix,
    config,
  }) => {
    const { app, close } = await startTestApp({ config: adminConfig(database, queuePrefix) });
    try {
      const { secret } = await createApiKey(database.db, { name: 'staff', locationIds: ['loc'] });
      for (const headers of [
        {},
        { authorization: `Bearer ${secret}` },
        { authorization: 'Bearer wrong-token-wrong-token-wrong' },
        // The right token followed by anything else is not the token.
        { authorization: `Bearer ${TOKEN} junk` },
        { authorization: `Bearer ${TOKEN}\tjunk` },
        { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')} junk` },
      ]) {
        const response = await app.inject({ method: 'GET', url: '/admin/queues', headers });
        expect(response.statusCode).toBe(401);
        expect(response.json(), response.body).toMatchObject({ error: 'unauthorized' });
      }
      expect((await app.inject({ method: 'GET', url: '/admin/queues', headers: basic })).statusCode).toBe(
        200,
      );
      const api = await app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: bearer });
      expect(api.statusCode).toBe(200);
      const names = (api.json().queues as Array<{ name: string; readOnlyMode: boolean }>)
        .map((q) => q.name)
        .sort();
      expect(names).toEqual([...QUEUE_NAMES].sort());
      expect((api.json().queues as Array<{ readOnlyMode: boolean }>).every((q) => q.readOnlyMode)).toBe(true);
    } finally {
      await close();
    }
    // Without ADMIN_TOKEN configured nothing opens the admin routes.
    const closed = await startTestApp({ config });
    try {
      expect(
        (await closed.app.inject({ method: 'GET', url: '/admin/queues', headers: bearer })).statusCode,
      ).toBe(401);
    } finally {
      await closed.close();
    }
  });

  test('/metrics needs the admin token and exposes HTTP, webhook and queue metrics', async ({
    database,
    queuePrefix,
  }) => {
    const { app, close } = await startTestApp({ config: adminConfig(database, queuePrefix) });
    try {
      await app.inject({
        method: 'POST',
        url: '/api/webhooks/ghl/',
        payload: '{}',
        headers: { 'content-type': 'application/json' },
      });
      expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
      const response = await app.inject({ method: 'GET', url: '/metrics', headers: bearer });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/text\/plain/);
      expect(response.body).toContain('http_request_duration_seconds_bucket');
      expect(response.body).toContain('webhooks_received_total{source="app",outcome="rejected_signature"} 1');
      expect(response.body).toContain('queue_jobs{queue="webhooks",state="waiting"} 0');
      expect(response.body).toContain('queue_oldest_waiting_seconds{queue="citas"} 0');
    } finally {
      await close();
    }
  });

  test('a failed webhook event is replayed by id from the admin API and then applied', async ({
    database,
    redis,
    queuePrefix,
  }) => {
    const { app, queues, close } = await startTestApp({ config: adminConfig(database, queuePrefix) });
    try {
      const row = await failedEvent(database.db);
      const response = await app.inject({
        method: 'POST',
        url: '/admin/webhooks/replay',
        payload: { id: row.id },
        headers: bearer,
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ replayed: 1, ids: [row.id] });
      const [job] = await queues.webhooks.getJobs(['waiting']);
      if (!job) throw new Error('nothing enqueued');
      expect(job.data.source).toEqual({ kind: 'app' });
      // A worker that takes no job itself: the test hands it the replayed one.
      const worker = await createWorker(adminConfig(database, queuePrefix), {
        database,
        redis,
        drain: [],
        schedulers: false,
      });
      try {
        expect(await worker.run(job)).toEqual({ outcome: 'processed' });
      } finally {
        await worker.close();
      }
      const [after] = await database.db.select().from(webhookEvents).where(eq(webhookEvents.id, row.id));
      expect(after).toMatchObject({ status: 'processed', attempts: 9, lastError: null });

      // A workflow event is replayed under its secret's rule, as first delivered.
      const source = {
        kind: 'workflow',
        locationId: 'loc-a',
        secretId: '4b7f9f3e-5c61-4a8e-9d1e-0a1b2c3d4e5f',
      };
      const workflowRow = await failedEvent(database.db);
      // An hour old, so the CLI test's "since a second ago" leaves it out.
      await database.db
        .update(webhookEvents)
        .set({ source, receivedAt: new Date(Date.now() - 3600_000) })
        .where(eq(webhookEvents.id, workflowRow.id));
      await app.inject({
        method: 'POST',
        url: '/admin/webhooks/replay',
        payload: { id: workflowRow.id },
        headers: bearer,
      });
      const replayedJobs = await queues.webhooks.getJobs(['waiting']);
      expect(replayedJobs.map((j) => j.data.source)).toContainEqual(source);
      // One event asked for by id that puts nothing back says why: none such, or not failed.
      const replayId = (id: number) =>
        app.inject({ method: 'POST', url: '/admin/webhooks/replay', payload: { id }, headers: bearer });
      const missing = await replayId(999_999);
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ error: 'not_found', message: 'No webhook event 999999' });
      await database.db
        .update(webhookEvents)
        .set({ status: 'processed' })
        .where(eq(webhookEvents.id, workflowRow.id));
      const done = await replayId(workflowRow.id);
      expect(done.statusCode).toBe(409);
      expect(done.json()).toMatchObject({ error: 'not_failed' });

      const bad = await app.inject({
        method: 'POST',
        url: '/admin/webhooks/replay',
        payload: { id: 1, since: new Date().toISOString() },
        headers: bearer,
      });
      expect(bad.statusCode).toBe(400);
      // Nothing PostgreSQL cannot take gets to it: each of these is a 400, never a 500.
      for (const payload of [
        { since: '0000-01-01T00:00:00Z' },
        { since: '2026-11-28T00:00:00Z\u0000' },
        { since: '\u0000' },
        { id: 2 ** 64 },
        { id: 1.5 },
        'null\u0000',
      ]) {
        const refused = await app.inject({
          method: 'POST',
          url: '/admin/webhooks/replay',
          payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
          headers: { ...bearer, 'content-type': 'application/json' },
        });
        expect(refused.statusCode, JSON.stringify(payload)).toBe(400);
        expect(refused.json()).toMatchObject({ error: expect.any(String), message: expect.any(String) });
      }
    } finally {
      await close();
    }
  });

  test('the CLI replays failed events since a time and reports tokens and queues', async ({
    database,
    queuePrefix,
  }) => {
    const { queues, close } = await startTestApp({ config: adminConfig(database, queuePrefix) });
    try {
      const since = new Date(Date.now() - 1000).toISOString();
      await failedEvent(database.db);
      await failedEvent(database.db);
      const out: string[] = [];
      const io = { out: (t: string) => void out.push(t), err: (t: string) => void out.push(`ERR ${t}`) };
      expect(
        await runOpsCommand('webhooks', ['replay', '--since', since], { db: database.db, queues }, io),
      ).toBe(0);
      expect(out.join('')).toMatch(/^replayed 2 failed webhook event\(s\)/);
      expect(await queues.webhooks.count()).toBe(2);
      expect(await runOpsCommand('queues', ['stats'], { db: database.db, queues }, io)).toBe(0);
      expect(out.join('')).toMatch(/webhooks\twaiting=2/);
      expect(await runOpsCommand('tokens', ['status'], { db: database.db, queues }, io)).toBe(0);
      expect(out.join('')).toContain('no GHL tokens stored');
      expect(await runOpsCommand('webhooks', ['replay'], { db: database.db, queues }, io)).toBe(2);
      for (const args of [
        ['--since', '0000-01-01T00:00:00Z'],
        ['--since=-100000-01-01T00:00:00Z'],
        ['--id', '99999999999999999999'],
        ['--id', '1e3'],
      ])
        expect(await runOpsCommand('webhooks', ['replay', ...args], { db: database.db, queues }, io)).toBe(2);
      expect(out.join('')).toContain('ERR webhooks replay needs exactly one of');
    } finally {
      await close();
    }
  });
});
