import type { Check } from '../report.js';
import type { JobInfo } from './effects.js';
import { describeRequest } from './raw-http.js';
import type { Outcome } from './runner.js';

const msAfter = (at: number | undefined, from: number) => (at ? `${at - from} ms` : 'never');

export interface Failure {
  guarantee: string;
  outcome: Outcome;
}

const statusOf = (o: Outcome) => o.response?.status ?? 0;

/** What each answer must be on its own: no 5xx, an answer at all, hostile input refused, JSON rejections. */
export function judgeAnswers(outcomes: Outcome[]): { checks: Check[]; failures: Failure[] } {
  const failures: Failure[] = [];
  const fail = (guarantee: string, outcome: Outcome) => failures.push({ guarantee, outcome });
  let badShape = 0;
  for (const o of outcomes) {
    const status = statusOf(o);
    if (!o.response) fail('every request answered', o);
    else if (status >= 500) fail('no 5xx', o);
    else if (o.request.intent === 'hostile' && status < 300) fail('hostile input refused', o);
    else if (status >= 400 && o.request.method !== 'HEAD' && !isErrorBody(o.json)) {
      badShape++;
      fail('every rejection is JSON { error, message }', o);
    }
  }
  const count = (guarantee: string) => failures.filter((f) => f.guarantee === guarantee).length;
  const fivexx = outcomes.filter((o) => statusOf(o) >= 500);
  const checks: Check[] = [
    {
      guarantee: 'no 5xx',
      ok: fivexx.length === 0,
      detail: `${fivexx.length} of ${outcomes.length}${fivexx.length ? ` (${histogram(fivexx)})` : ''}`,
    },
    {
      guarantee: 'every request answered',
      ok: count('every request answered') === 0,
      detail: `${count('every request answered')} without an HTTP answer`,
    },
    {
      guarantee: 'hostile input refused (4xx)',
      ok: count('hostile input refused') === 0,
      detail: `${outcomes.filter((o) => o.request.intent === 'hostile').length} hostile requests, ${count('hostile input refused')} answered 2xx`,
    },
    {
      guarantee: 'every rejection is JSON { error, message }',
      ok: badShape === 0,
      detail: `${badShape} rejections in another shape`,
    },
  ];
  return { checks, failures };
}

function isErrorBody(json: Record<string, unknown> | undefined): boolean {
  return typeof json?.error === 'string' && typeof json.message === 'string';
}

function histogram(outcomes: Outcome[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) {
    const key = o.response ? String(o.response.status) : 'no answer';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status}×${n}`)
    .join(' ');
}

/** Requests and the status codes seen, per route, as Markdown table lines. */
export function routeTable(outcomes: Outcome[], routes: readonly string[]): string[] {
  const byRoute = new Map<string, Outcome[]>(routes.map((r) => [r, []]));
  for (const o of outcomes) byRoute.set(o.request.route, [...(byRoute.get(o.request.route) ?? []), o]);
  return [
    '| Route | Requests | Variants | Status codes seen |',
    '| --- | ---: | ---: | --- |',
    ...[...byRoute.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([route, list]) =>
          `| \`${route}\` | ${list.length} | ${new Set(list.map((o) => o.request.variant)).size} | ${histogram(list)} |`,
      ),
  ];
}

/**
 * One failure of each kind (guarantee, route and variant), each with what replays it: the
 * seed, its index and the request itself.
 */
export function describeFailures(
  failures: Failure[],
  seed: number,
  secrets: Record<string, string>,
  jobs: Map<string, JobInfo>,
  max = 15,
): string[] {
  const order = ['no 5xx', 'every request answered', 'hostile input refused'];
  const rank = (f: Failure) => (order.indexOf(f.guarantee) + order.length + 1) % (order.length + 1);
  const kinds = new Map<string, Failure>();
  for (const f of [...failures].sort((a, b) => rank(a) - rank(b))) {
    const kind = `${f.guarantee} ${f.outcome.request.route} ${f.outcome.request.variant}`;
    if (!kinds.has(kind)) kinds.set(kind, f);
  }
  const lines: string[] = [];
  for (const { guarantee, outcome } of [...kinds.values()].slice(0, max)) {
    const answer = outcome.response
      ? `${outcome.response.status} ${outcome.response.body.toString('utf8').slice(0, 200)}`
      : `no answer: ${outcome.error}`;
    lines.push(
      `  FAIL ${guarantee}: #${outcome.index} ${outcome.request.route} [${outcome.request.variant}] (${outcome.request.intent}) -> ${answer}`,
      `    replay: CHAOS_FUZZ_SEED=${seed} CHAOS_FUZZ_ONLY=${outcome.index} pnpm chaos fuzz`,
      describeRequest(outcome.request, secrets),
      ...[...jobs.values()]
        .filter((j) => j.requestId === outcome.requestId)
        .map(
          (j) =>
            `    its job ${j.queue}/${j.name} ${j.state}: taken ${msAfter(j.times.started, j.times.added)}, finished ${msAfter(j.times.finished, j.times.added)} after it was added${j.failedReason ? `; ${j.failedReason.slice(0, 150)}` : ''}`,
        ),
    );
  }
  if (kinds.size > max)
    lines.push(`  … and ${kinds.size - max} more kinds (${failures.length} failures in all)`);
  return lines;
}
