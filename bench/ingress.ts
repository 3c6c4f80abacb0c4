/**
 * Ingress throughput: signed GHL webhooks against ghl-bridge's ingress (services/ingress main.ts,
 * which is buildApp with real Redis and Postgres) and, in the same run, against two minimal Fastify
 * receivers doing a signature check (HMAC, the target's baseline; Ed25519, as GHL signs) and a
 * BullMQ add. Both run as child processes; autocannon drives
 * them from this process with the same connections, duration and body pool.
 * Run alone: pnpm --filter @ghl-bridge/bench bench:ingress
 */
import { createHmac, randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import {
  benchDatabase,
  benchPrefix,
  deleteKeys,
  dropBenchDatabase,
  freePort,
  newRedis,
  REDIS_URL,
} from './lib/bench-env.js';
import { httpUp, spawnTs, waitFor } from './lib/child.js';
import { fmt, markdownTable, publish } from './lib/report.js';
import { appointmentCreate, ed25519Signer, generateEd25519Keys } from './lib/webhooks.js';

const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_INGRESS_SECONDS ?? 8);
const WARMUP_S = 1;
// Enough bodies that a webhookId rarely repeats (a repeat hits BullMQ's existing-job shortcut
// and flatters ghl-bridge); the report says how many requests reused a body.
const POOL = Number(process.env.BENCH_INGRESS_BODIES ?? 70_000);

interface Body {
  raw: string;
  ghl: string;
  hmac: string;
}

interface Result {
  name: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  bad: number;
  total: number;
}

const keys = generateEd25519Keys();
const signGhl = ed25519Signer(keys);
const hmacSecret = randomBytes(32).toString('hex');
const signingStarted = performance.now();
const bodies: Body[] = Array.from({ length: POOL }, (_, i) => {
  const raw = JSON.stringify(appointmentCreate(i));
  return {
    raw,
    ghl: signGhl(raw),
    hmac: createHmac('sha256', hmacSecret).update(raw).digest('hex'),
  };
});
console.log(`signed ${POOL} bodies in ${fmt(performance.now() - signingStarted)} ms`);

let next = 0;
async function load(url: string, seconds: number, sign: (b: Body) => Record<string, string>) {
  return autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        // One counter across all connections: every request carries the next unused body.
        setupRequest: (request) => {
          const body = bodies[next++ % POOL] as Body;
          return {
            ...request,
            body: body.raw,
            headers: { 'content-type': 'application/json', ...sign(body) },
          };
        },
      },
    ],
  });
}

async function measure(
  name: string,
  url: string,
  sign: (b: Body) => Record<string, string>,
): Promise<Result> {
  await load(url, WARMUP_S, sign);
  const r = await load(url, DURATION_S, sign);
  return {
    name,
    reqPerSec: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    bad: r.non2xx + r.errors + r.timeouts,
    total: r.requests.total,
  };
}

const redis = newRedis();
const databaseUrl = await benchDatabase('ingress');
const results: Result[] = [];
try {
  const minimal = [
    {
      name: 'Fastify + HMAC + BullMQ add (baseline)',
      scheme: 'hmac',
      sign: (b: Body) => ({ 'x-signature': b.hmac }),
    },
    {
      name: 'Fastify + Ed25519 + BullMQ add (GHL-signed minimum)',
      scheme: 'ed25519',
      sign: (b: Body) => ({ 'x-ghl-signature': b.ghl }),
    },
  ];
  for (const { name, scheme, sign } of minimal) {
    const basePrefix = benchPrefix();
    const basePort = await freePort();
    const baseline = spawnTs(`${scheme}-minimal`, 'bench/lib/minimal-receiver.ts', {
      PORT: String(basePort),
      QUEUE_PREFIX: basePrefix,
      SCHEME: scheme,
      HMAC_SECRET: hmacSecret,
      ED25519_PUBLIC_KEY: keys.publicKey,
    });
    try {
      await waitFor(`${scheme} minimal receiver`, () => httpUp(`http://127.0.0.1:${basePort}/`), 30_000);
      results.push(await measure(name, `http://127.0.0.1:${basePort}/hook`, sign));
    } finally {
      await baseline.stop();
      await deleteKeys(redis, basePrefix);
    }
  }

  const prefix = benchPrefix();
  const port = await freePort();
  const ingress = spawnTs('ingress', 'services/ingress/src/main.ts', {
    NODE_ENV: 'development',
    // warn, not info: one JSON line per request would be measured as well, and the baseline logs nothing.
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    GHL_WEBHOOK_PUBLIC_KEY: keys.publicKey,
  });
  try {
    await waitFor('ingress', () => httpUp(`http://127.0.0.1:${port}/`), 30_000);
    results.push(
      await measure(
        'ghl-bridge ingress (Ed25519 + checks + enqueue)',
        `http://127.0.0.1:${port}/api/webhooks/ghl/`,
        (b) => ({
          'x-ghl-signature': b.ghl,
        }),
      ),
    );
  } finally {
    await ingress.stop();
    await deleteKeys(redis, prefix);
  }
} finally {
  redis.disconnect();
  await dropBenchDatabase(databaseUrl);
}

const [base, ed25519Minimum, ours] = results as [Result, Result, Result];
const ratio = ours.reqPerSec / base.reqPerSec;
const ratioToEd25519 = ours.reqPerSec / ed25519Minimum.reqPerSec;
await publish({
  name: 'ingress',
  title: 'Ingress: signed webhooks per second',
  command: 'pnpm --filter @ghl-bridge/bench bench:ingress',
  method: [
    `autocannon, ${CONNECTIONS} connections, ${WARMUP_S} s warm-up then ${DURATION_S} s measured, per server.`,
    'Each server is its own child process (ghl-bridge: `services/ingress/src/main.ts`, LOG_LEVEL=warn);',
    'every request carries a distinct pre-signed AppointmentCreate body (Ed25519 `x-ghl-signature` for',
    'ghl-bridge and the Ed25519 minimum under a key made at run time, hex HMAC-SHA256 for the baseline), so',
    "every request is a new job. The Ed25519 minimum is the baseline with GHL's signature check instead of",
    'the HMAC: the gap between the two baselines is what the signature scheme costs on this machine.',
  ].join(' '),
  tables: [
    markdownTable(
      ['Server', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'non-2xx/errors'],
      results.map((r) => [r.name, fmt(r.reqPerSec), fmt(r.p50), fmt(r.p99), fmt(r.total), r.bad]),
    ),
    `ghl-bridge / baseline: **${fmt(ratio, 2)}**; ghl-bridge / Ed25519 minimum: **${fmt(ratioToEd25519, 2)}**`,
  ],
  targets: [
    { what: 'throughput ≥ 0.8 × baseline', met: ratio >= 0.8, detail: `${fmt(ratio, 2)} ×` },
    { what: 'p99 < 25 ms', met: ours.p99 < 25, detail: `${fmt(ours.p99)} ms` },
    {
      what: 'no non-2xx or errors',
      met: ours.bad === 0 && base.bad === 0,
      detail: `${ours.bad} / ${base.bad}`,
    },
  ],
  notes: [
    `${fmt(Math.max(0, next - POOL))} of ${fmt(next)} requests reused a body (pool of ${fmt(POOL)}).`,
    `Ed25519 minimum / HMAC baseline: ${fmt(ed25519Minimum.reqPerSec / base.reqPerSec, 2)}: the ceiling any receiver of GHL's signed webhooks has here against this target.`,
    `autocannon keeps ${CONNECTIONS} requests in flight, so mean latency is ${CONNECTIONS} / throughput (Little's law): p99 < 25 ms needs well over ${fmt(CONNECTIONS / 0.025)} req/s.`,
  ],
});
