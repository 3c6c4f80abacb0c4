import { Prng } from '../prng.js';
import type { FuzzRequest } from '../raw-http.js';
import { adminGenerators } from './admin.js';
import { endpointGenerator } from './admin-endpoints.js';
import { routeParts } from './build.js';
import { oauthGenerators } from './oauth.js';
import { httpLevel, publicGenerators, unrouted } from './public.js';
import { citaGenerators } from './staff-citas.js';
import { staffListGenerators } from './staff-lists.js';
import { staffReadGenerators } from './staff-reads.js';
import type { FuzzContext, RouteGenerator } from './types.js';
import { webhookGenerators } from './webhooks.js';

export type { FuzzContext } from './types.js';

/** Every generator, fresh (some remember what they generated, e.g. idempotency keys). */
function allGenerators(): RouteGenerator[] {
  return [
    ...citaGenerators(),
    ...staffListGenerators(),
    ...staffReadGenerators(),
    ...webhookGenerators(),
    ...oauthGenerators(),
    ...adminGenerators(),
    endpointGenerator,
    ...publicGenerators(),
  ];
}

// Routes answer with and without a trailing slash (ignoreTrailingSlash): either spelling is one route.
const bare = (route: string) => route.replace(/(.)\/$/, '$1');
const covers = (generator: RouteGenerator, route: string) =>
  typeof generator.covers === 'function'
    ? generator.covers(bare(route))
    : generator.covers.includes(bare(route));

/** The generator of a registered route; a HEAD route Fastify added for a GET uses the GET's. */
function generatorFor(generators: RouteGenerator[], route: string): RouteGenerator | undefined {
  const { method, url } = routeParts(route);
  const own = generators.find((g) => covers(g, route));
  if (own || method !== 'HEAD') return own;
  return generators.find((g) => covers(g, `GET ${url}`));
}

export interface Plan {
  requests: FuzzRequest[];
  /** Registered routes no generator covers: the suite fails on them (a new route must get one). */
  uncovered: string[];
}

/**
 * `count` requests from `seed`: first one for every registered route (so each is hit even in
 * the fast run), then routes drawn by weight. The i-th request depends only on the seed, the
 * route list and the requests before it, so a seed replays the same sequence at any count.
 */
export function planRequests(ctx: FuzzContext, routes: readonly string[], seed: number, count: number): Plan {
  const prng = new Prng(seed);
  const generators = allGenerators();
  const uncovered: string[] = [];
  const entries: { route: string; generator: RouteGenerator; weight: number }[] = [];
  for (const route of routes) {
    const generator = generatorFor(generators, route);
    if (!generator) uncovered.push(route);
    // HEAD answers like GET without the body: a few are enough.
    else entries.push({ route, generator, weight: generator.weight * (route.startsWith('HEAD ') ? 0.1 : 1) });
  }
  entries.push({ route: '(no route)', generator: unrouted, weight: unrouted.weight });
  const http = httpLevel(entries.filter((e) => !e.route.startsWith('(')).map((e) => e.route));
  entries.push({ route: '(http)', generator: http, weight: http.weight });

  const total = entries.reduce((sum, e) => sum + e.weight, 0);
  const drawn = (roll: number) => {
    let left = roll;
    for (const entry of entries) {
      left -= entry.weight;
      if (left < 0) return entry;
    }
    return entries.at(-1) as (typeof entries)[number];
  };
  const requests: FuzzRequest[] = [];
  for (let i = 0; i < count; i++) {
    const entry = entries[i] ?? drawn(prng.next() * total);
    requests.push(entry.generator.generate(ctx, prng, entry.route));
  }
  return { requests, uncovered };
}
