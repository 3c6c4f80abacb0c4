import { accountFor } from '../lib/fuzz/accounting.js';
import { newRows, pendingJobs, snapshot } from '../lib/fuzz/effects.js';
import { planRequests } from '../lib/fuzz/generators/index.js';
import { logCheck, scanLogs } from '../lib/fuzz/log-scan.js';
import { newSeed } from '../lib/fuzz/prng.js';
import { discoverRoutes } from '../lib/fuzz/routes.js';
import { sendAll } from '../lib/fuzz/runner.js';
import { startWorld } from '../lib/fuzz/setup.js';
import { describeFailures, judgeAnswers, routeTable } from '../lib/fuzz/verdicts.js';
import { isRunning } from '../lib/processes.js';
import type { Check, SuiteReport } from '../lib/report.js';
import { sleep } from '../lib/wait.js';

/**
 * `count` malformed or hostile requests (and a few valid ones, sent on purpose) against a
 * running ghl-bridge: every route ingress registers, discovered from the app itself. No 5xx,
 * no crash, nothing stored or enqueued from a refused request, nothing of a request in the
 * logs, and health after. The seed (CHAOS_FUZZ_SEED) replays a run; CHAOS_FUZZ_ONLY=<index,…>
 * sends only those requests of it, CHAOS_FUZZ_MATCH=<regex> only those whose route and variant match.
 */
export async function fuzz(count: number, { settleMs = 60_000 } = {}): Promise<SuiteReport> {
  const started = Date.now();
  const seed = process.env.CHAOS_FUZZ_SEED ? Number(process.env.CHAOS_FUZZ_SEED) : newSeed();
  console.log(`[chaos fuzz] seed ${seed} (replay: CHAOS_FUZZ_SEED=${seed} pnpm chaos fuzz)`);
  const world = await startWorld();
  const { stack } = world;
  try {
    const routes = await discoverRoutes(world.env);
    const plan = planRequests(world.ctx, routes, seed, Math.max(count, routes.length + 2));
    // A replay of part of a run: by index, or by a pattern on `<route> <variant>`.
    const match = process.env.CHAOS_FUZZ_MATCH ? new RegExp(process.env.CHAOS_FUZZ_MATCH) : undefined;
    const only = process.env.CHAOS_FUZZ_ONLY
      ? process.env.CHAOS_FUZZ_ONLY.split(',').map(Number)
      : match
        ? plan.requests.flatMap((r, i) => (match.test(`${r.route} ${r.variant}`) ? [i] : []))
        : undefined;
    const requests = only ? plan.requests.filter((_, i) => only.includes(i)) : plan.requests;
    await settle(world.stack, settleMs);
    const before = await snapshot(stack);

    const sendStarted = Date.now();
    const outcomes = await sendAll(stack.ingressUrl, requests, seed, 8, (done) =>
      console.log(`[chaos fuzz] ${done} of ${requests.length} sent`),
    );
    if (only) {
      for (const [i, o] of outcomes.entries()) o.index = only[i] ?? o.index;
    }
    const sendSeconds = (Date.now() - sendStarted) / 1000;
    const pending = await settle(stack, settleMs);
    const after = await snapshot(stack);
    const rows = await newRows(stack, before);

    const healthz = await fetch(`${stack.ingressUrl}/healthz`).then(
      (r) => r.status,
      () => 0,
    );
    const readyz = await fetch(`${stack.ingressUrl}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    const logLines = [
      ...stack.logs('ingress').map((text) => ({ process: 'ingress', text })),
      ...stack.logs('worker').map((text) => ({ process: 'worker', text })),
    ];
    const leaks = scanLogs(logLines, world.secrets);
    const slipped = logLines
      .map((l) => l.text)
      .filter((t) => t.includes('request value refused by the database'));
    const answers = judgeAnswers(outcomes);
    const effects = accountFor(outcomes, before, after.jobs, rows);
    const covered = new Set(outcomes.map((o) => o.request.route));
    const unsent = only ? [] : routes.filter((r) => !covered.has(r));

    const checks: Check[] = [
      {
        guarantee: 'every registered route has a generator',
        ok: plan.uncovered.length === 0 && unsent.length === 0,
        detail: `${routes.length} routes discovered (onRoute)${plan.uncovered.length ? `; no generator: ${plan.uncovered.join(', ')}` : ''}${unsent.length ? `; never sent: ${unsent.join(', ')}` : ''}`,
      },
      ...answers.checks,
      {
        guarantee: 'no crash',
        ok: isRunning(world.ingress) && stack.crashes.length === 0,
        detail: `ingress ${isRunning(world.ingress) ? 'up' : 'DOWN'}; ${stack.crashes.length} worker crashes${stack.crashes[0] ? ` (${stack.crashes[0].error})` : ''}`,
      },
      {
        guarantee: '/healthz and /readyz healthy after',
        ok: healthz === 200 && readyz === 200,
        detail: `/healthz ${healthz}, /readyz ${readyz}`,
      },
      {
        guarantee: 'accepted work settles (nothing left retrying)',
        ok: pending.length === 0,
        detail: `${pending.length} jobs not finished ${settleMs / 1000} s after the last request${pending[0] ? ` (first: ${pending[0].queue}/${pending[0].name} ${pending[0].state}: ${pending[0].failedReason ?? ''})` : ''}`,
      },
      ...effects.checks,
      logCheck(leaks, logLines.length),
      {
        guarantee: 'every bad value refused before the database',
        ok: slipped.length === 0,
        detail: `${slipped.length} requests whose value PostgreSQL refused (answered 400 by the error handler's safety net)${slipped[0] ? `: ${slipped[0].slice(0, 200)}` : ''}`,
      },
    ];
    for (const leak of leaks.slice(0, 8))
      console.error(
        `  LEAK ${leak.what} in ${leak.process} (request ${leak.requestId ?? '?'}): …${leak.excerpt}…`,
      );
    for (const line of describeFailures(answers.failures, seed, world.secrets, after.jobs))
      console.error(line);

    const statuses = (low: number, high: number) =>
      outcomes.filter((o) => (o.response?.status ?? 0) >= low && (o.response?.status ?? 0) < high).length;
    return {
      name: 'fuzz',
      title: `${requests.length.toLocaleString('en-US')} malformed and hostile requests on every route`,
      figures: [
        ['sent', requests.length],
        ['routes', routes.length],
        ['variants', new Set(outcomes.map((o) => `${o.request.route} ${o.request.variant}`)).size],
        ['2xx', statuses(200, 300)],
        ['3xx', statuses(300, 400)],
        ['4xx', statuses(400, 500)],
        ['5xx', statuses(500, 600)],
        ['no answer', outcomes.filter((o) => !o.response).length],
        ['valid sent on purpose', outcomes.filter((o) => o.request.intent === 'valid').length],
        ...effects.figures,
        ['log lines scanned', logLines.length],
        ['s sending', sendSeconds.toFixed(1)],
        ['seed', String(seed)],
      ],
      checks,
      notes: [
        `Seed ${seed}: CHAOS_FUZZ_SEED=${seed} pnpm chaos fuzz sends the same requests; CHAOS_FUZZ_ONLY=<index,…> only some of them.`,
        'Requests go over raw sockets (duplicate and oversized headers, NUL bytes, invalid UTF-8, malformed framing); 8 at a time, each with its own x-request-id, which ingress passes to the jobs it enqueues: that is how every new job and row is traced to the request that caused it.',
      ],
      tables: [routeTable(outcomes, routes)],
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await stack.close();
  }
}

/** Waits until no job is waiting, running or retrying and the outbox is empty; answers what is left. */
async function settle(stack: Parameters<typeof pendingJobs>[0], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await pendingJobs(stack);
    const [outbox] = await stack.database.sql<{ n: number }[]>`select count(*)::int as n from outbox`;
    if ((pending.length === 0 && (outbox?.n ?? 0) === 0) || Date.now() > deadline) return pending;
    await sleep(500);
  }
}
