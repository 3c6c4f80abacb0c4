import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Config } from '@ghl-bridge/config';
import { webhookEvents } from '@ghl-bridge/db';
import { closeQueues, createQueues, enqueue, sha256Hex, webhookJobId } from '@ghl-bridge/jobs';
import { appointmentEvent, test } from '@ghl-bridge/testing';
import { describe, expect } from 'vitest';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** The worker as deployed: its own process, configured only by the environment. */
function startWorker(config: Config, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: config.database.url,
      REDIS_URL: config.redis.url,
      QUEUE_PREFIX: config.redis.queuePrefix,
      WORKER_METRICS_PORT: '0',
      GHL_API_BASE_URL: 'http://127.0.0.1:9',
      ...env,
    },
  });
  const lines: string[] = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
  const waitFor = async (predicate: (line: string) => boolean, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = lines.find(predicate);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no matching log line in ${timeoutMs} ms; last lines:\n${lines.slice(-5).join('\n')}`);
  };
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, waitFor, exited };
}

const stop = (child: ChildProcessWithoutNullStreams) => child.exitCode === null && child.kill('SIGKILL');

function deliveries(count: number) {
  return Array.from({ length: count }, () => {
    const event = appointmentEvent();
    const raw = JSON.stringify(event);
    const payloadHash = sha256Hex(raw);
    const webhookId = String(event.webhookId);
    return {
      payload: {
        payloadHash,
        webhookId,
        event,
        receivedAt: new Date().toISOString(),
        requestId: `req-${webhookId}`,
      },
      jobId: webhookJobId(webhookId, payloadHash),
    };
  });
}

describe('the worker process', () => {
  test('SIGTERM under load finishes cleanly and loses nothing: a restarted worker applies the rest, each once', async ({
    config,
    database,
    redis,
  }) => {
    const queues = createQueues(redis, config.redis.queuePrefix);
    const first = startWorker(config, { WORKER_CONCURRENCY: '4' });
    try {
      await first.waitFor((l) => l.includes('worker started'));
      const all = deliveries(1500);
      for (const { payload, jobId } of all) await enqueue(queues, 'webhook.process', payload, { jobId });
      await first.waitFor((l) => l.includes('webhook applied'));
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(first.lines.some((l) => l.includes('"msg":"shut down"'))).toBe(true);

      const second = startWorker(config);
      try {
        const deadline = Date.now() + 30_000;
        let processed = 0;
        while (Date.now() < deadline) {
          processed = (await database.db.select().from(webhookEvents)).filter(
            (r) => r.status === 'processed',
          ).length;
          if (processed === all.length) break;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        const rows = await database.db.select().from(webhookEvents);
        expect(rows).toHaveLength(all.length);
        expect(rows.every((r) => r.status === 'processed' && r.attempts === 1)).toBe(true);
      } finally {
        stop(second.child);
      }
    } finally {
      stop(first.child);
      await closeQueues(queues);
    }
  }, 60_000);

  test("a job's log lines carry the request id of the request that enqueued it, and no secret", async ({
    config,
    redis,
  }) => {
    const queues = createQueues(redis, config.redis.queuePrefix);
    const secret = 'ghl-refresh-token-that-must-not-leak-123';
    const worker = startWorker(config, {
      GHL_ACCESS_TOKEN: 'ghl-access-token-that-must-not-leak-456',
      GHL_REFRESH_TOKEN: secret,
      GHL_LOCATION_ID: 'loc_corr',
    });
    try {
      await worker.waitFor((l) => l.includes('worker started'));
      const [one] = deliveries(1);
      if (!one) throw new Error('no delivery');
      await enqueue(
        queues,
        'webhook.process',
        { ...one.payload, requestId: 'req-correlate-7' },
        { jobId: one.jobId },
      );
      const line = JSON.parse(await worker.waitFor((l) => l.includes('webhook applied')));
      expect(line).toMatchObject({
        requestId: 'req-correlate-7',
        job: 'webhook.process',
        jobId: one.jobId,
        attempt: 1,
      });
      const everything = worker.lines.join('\n');
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain('ghl-access-token-that-must-not-leak-456');
    } finally {
      stop(worker.child);
      await closeQueues(queues);
    }
  });
});
