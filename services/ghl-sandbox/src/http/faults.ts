import type { Random } from '../domain/prng.js';

/** One fault rule. Rates are probabilities in [0, 1], drawn from the sandbox's (seedable) PRNG. */
export interface FaultRule {
  /** `*`, `/calendars/:calendarId` (any method) or `GET /calendars/:calendarId` (Fastify route patterns). */
  route: string;
  /** Chance of answering `status` instead of the real handler. */
  errorRate?: number;
  /** Status for injected errors (default 500). */
  status?: number;
  /** Added delay before handling, in ms. */
  latencyMs?: number;
  /** Chance the delay applies (default 1 when latencyMs is set). */
  latencyRate?: number;
  /** Chance of destroying the socket without an answer (ECONNRESET on the client). */
  resetRate?: number;
  /** Stop after this many injected faults (e.g. `times: 1` = fail exactly the next request). */
  times?: number;
}

export type FaultDecision =
  | { kind: 'none'; delayMs: number }
  | { kind: 'error'; status: number; delayMs: number }
  | { kind: 'reset'; delayMs: number };

interface ActiveRule extends FaultRule {
  fired: number;
}

export class Faults {
  private rules: ActiveRule[] = [];

  constructor(private readonly random: Random) {}

  set(rules: FaultRule[]): void {
    this.rules = rules.map((r) => ({ ...r, fired: 0 }));
  }

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, fired: 0 });
  }

  list(): (FaultRule & { fired: number })[] {
    return this.rules.map((r) => ({ ...r }));
  }

  get empty(): boolean {
    return this.rules.length === 0;
  }

  decide(method: string, route: string): FaultDecision {
    let delayMs = 0;
    for (const r of this.rules) {
      if (!matches(r.route, method, route)) continue;
      if (r.times !== undefined && r.fired >= r.times) continue;
      if (r.latencyMs && this.random() < (r.latencyRate ?? 1)) {
        delayMs += r.latencyMs;
        if (!r.errorRate && !r.resetRate) r.fired++;
      }
      if (r.resetRate && this.random() < r.resetRate) {
        r.fired++;
        return { kind: 'reset', delayMs };
      }
      if (r.errorRate && this.random() < r.errorRate) {
        r.fired++;
        return { kind: 'error', status: r.status ?? 500, delayMs };
      }
    }
    return { kind: 'none', delayMs };
  }
}

function matches(pattern: string, method: string, route: string): boolean {
  if (pattern === '*') return true;
  const space = pattern.indexOf(' ');
  if (space === -1) return pattern === route;
  return pattern.slice(0, space).toUpperCase() === method && pattern.slice(space + 1) === route;
}
