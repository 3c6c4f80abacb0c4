import { createServer } from 'node:net';
import { createLogger, createMetrics } from '@ghl-bridge/observability';
import { describe, expect, it } from 'vitest';
import { startMetricsServer } from '../src/metrics-server.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('worker metrics server', () => {
  it('serves the registry behind the admin token, and nothing else', async () => {
    const metrics = createMetrics();
    metrics.jobs.failures.inc({ job: 'cita.sync' });
    const port = await freePort();
    const token = 'worker-admin-token-0123456789abcdef';
    const server = await startMetricsServer({
      host: '127.0.0.1',
      port,
      token,
      metrics,
      log: createLogger({ name: 't', level: 'silent' }),
    });
    try {
      const url = `http://127.0.0.1:${port}`;
      const anonymous = await fetch(`${url}/metrics`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ error: 'unauthorized' });
      const allowed = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain('job_failures_total{job="cita.sync"} 1');
      expect((await fetch(`${url}/other`)).status).toBe(404);
    } finally {
      await new Promise((resolve) => server?.close(resolve));
    }
  });

  it('is off when the port is 0', async () => {
    const server = await startMetricsServer({
      host: '127.0.0.1',
      port: 0,
      token: undefined,
      metrics: createMetrics(),
      log: createLogger({ name: 't', level: 'silent' }),
    });
    expect(server).toBeUndefined();
  });
});
