/**
 * GET throughput of the GHL sandbox against a bare Fastify baseline, measured in one run
 * (absolute numbers on a shared 2-core box are noisy; the ratio is what to compare).
 * Run from the repo root: pnpm exec tsx bench/sandbox-gets.ts
 */
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { startSandbox } from '@ghl-bridge/ghl-sandbox';
import autocannon from 'autocannon';
import Fastify from 'fastify';

const CONNECTIONS = 50;
const DURATION_S = 5;

interface Row {
  name: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function run(name: string, url: string, headers: Record<string, string> = {}): Promise<Row> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
  return {
    name,
    reqPerSec: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors,
  };
}

const baseline = Fastify();
baseline.get('/calendars/:id', async (request) => ({
  calendar: { id: (request.params as { id: string }).id, name: 'x' },
}));
await baseline.listen({ host: '127.0.0.1', port: 0 });
const baselineUrl = `http://127.0.0.1:${(baseline.server.address() as AddressInfo).port}/calendars/bench-cal`;

const sandbox = await startSandbox({
  logLevel: 'warn',
  rateLimit: { max: 100_000_000, daily: 1_000_000_000 },
});
const seeded = await sandbox.admin.seed({
  locations: [{ id: 'bench-loc', timezone: 'America/Lima', mintTokens: true }],
  calendars: [{ id: 'bench-cal', locationId: 'bench-loc', name: 'Bench' }],
});
const token = seeded.locations[0]?.tokens?.access_token ?? '';

const rows: Row[] = [];
rows.push(await run('bare Fastify GET (baseline)', baselineUrl));
rows.push(
  await run('sandbox GET /calendars/{id}', `${sandbox.url}/calendars/bench-cal`, {
    authorization: `Bearer ${token}`,
    version: '2021-04-15',
  }),
);
await sandbox.close();
await baseline.close();

const [base, sbx] = rows as [Row, Row];
const ratio = sbx.reqPerSec / base.reqPerSec;
const table = [
  `# Sandbox GET throughput (${new Date().toISOString()})`,
  '',
  `autocannon, ${CONNECTIONS} connections, ${DURATION_S} s each, same machine and run. Target: sandbox >= 5,000 req/s.`,
  '',
  '| Target | req/s | p50 ms | p99 ms | non-2xx/errors |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.name} | ${r.reqPerSec} | ${r.p50} | ${r.p99} | ${r.non2xx} |`),
  '',
  `Sandbox / baseline: ${(ratio * 100).toFixed(1)} %`,
  '',
].join('\n');
console.log(table);
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(new URL('./results/sandbox-gets.md', import.meta.url), table);
if (sbx.non2xx > 0) {
  console.error('sandbox answered non-2xx during the bench: the numbers are not valid');
  process.exitCode = 1;
}
