import type { Field } from '../fields.js';
import { CANARY, type Json } from '../hostile.js';
import type { FuzzRequest } from '../raw-http.js';
import { adminAuth } from './admin-auth.js';
import { bodyAbuse } from './body-abuse.js';
import { hostilePathId, jsonRequest, routeParts } from './build.js';
import type { RouteGenerator } from './types.js';

const replaySpec: Record<string, Field> = {
  id: { kind: 'int', range: [1, Number.MAX_SAFE_INTEGER], optional: true },
  since: { kind: 'date', optional: true },
};

/** Operators' routes: webhook replay, /metrics and every route Bull Board registers. */
export function adminGenerators(): RouteGenerator[] {
  const replay: RouteGenerator = {
    covers: ['POST /admin/webhooks/replay'],
    weight: 5,
    generate(ctx, prng, route) {
      const auth = adminAuth(ctx, prng, 0.7);
      const base = {
        route,
        method: 'POST',
        target: prng.chance(0.5) ? '/admin/webhooks/replay' : '/admin/webhooks/replay/',
        headers: auth.headers,
      };
      const roll = prng.next();
      const valid = prng.pick<{ [key: string]: Json }>([
        { id: 999_999_999 },
        { since: '2999-01-01T00:00:00Z' },
        { since: '2000-01-01T00:00:00Z' },
      ]);
      if (!auth.ok) return jsonRequest({ ...base, variant: auth.label, intent: 'hostile' }, valid);
      if (roll < 0.2)
        return jsonRequest({ ...base, variant: label('valid', auth.label), intent: 'valid' }, valid);
      if (roll < 0.55) {
        const [variant, body] = prng.pick<[string, Json]>([
          ['replay.both', { id: 1, since: '2020-01-01T00:00:00Z' }],
          ['replay.neither', {}],
          ['replay.id-zero', { id: 0 }],
          ['replay.id-negative', { id: -1 }],
          ['replay.id-fraction', { id: 1.5 }],
          ['replay.id-string', { id: '1' }],
          ['replay.id-2-63', { id: 2 ** 63 }],
          ['replay.since-year-0000', { since: '0000-01-01T00:00:00Z' }],
          ['replay.since-year-10000', { since: '10000-01-01T00:00:00Z' }],
          ['replay.since-nul', { since: `2020-01-01T00:00:00Z\u0000${CANARY}` }],
          ['replay.since-no-offset', { since: '2020-01-01T00:00:00' }],
          ['replay.since-number', { since: 0 }],
          ['replay.array', [{ id: 1 }]],
          ['replay.null', null],
        ]);
        return jsonRequest({ ...base, variant, intent: 'hostile' }, body);
      }
      if (roll < 0.65) return { ...base, variant: 'body.none', intent: 'hostile' };
      // Not a strict object: unknown keys are dropped, so they are not sent as hostile here.
      return bodyAbuse(prng, base, replaySpec, { id: 5 }, false);
    },
  };

  const metrics: RouteGenerator = {
    covers: ['GET /metrics'],
    weight: 2,
    generate(ctx, prng, route) {
      const { method } = routeParts(route);
      const auth = adminAuth(ctx, prng, 0.3);
      const target = prng.pick([
        '/metrics',
        '/metrics/',
        '/metrics?format=json&format=x',
        `/metrics?name[]=${'n'.repeat(3_000)}`,
      ]);
      return {
        route,
        method,
        target,
        headers: auth.headers,
        variant: label(auth.label),
        intent: auth.ok ? 'valid' : 'hostile',
      };
    },
  };

  const board: RouteGenerator = {
    covers: (route) => routeParts(route).url.startsWith('/admin/queues'),
    weight: 0.15,
    generate(ctx, prng, route) {
      const { method, url } = routeParts(route);
      const auth = adminAuth(ctx, prng, 0.5);
      let variant = auth.label;
      const fill = (param: string): string => {
        if (param === '*') {
          const [l, v] = prng.pick<[string, string]>([
            ['static.traversal', '..%2F..%2F..%2Fpackage.json'],
            ['static.dot-dot', '../../etc/passwd'],
            ['static.real', 'static/js/main.js'],
            ['static.long', 's'.repeat(3_000)],
            ['static.nul', 'a%00.js'],
          ]);
          variant = label(variant, l);
          return v;
        }
        if (param === 'queueName' && prng.chance(0.6)) return prng.pick(ctx.queueNames);
        if (param === 'queueStatus' && prng.chance(0.5)) return prng.pick(['failed', 'completed', 'delayed']);
        const [l, v] = hostilePathId(prng);
        variant = label(variant, `${param}.${l}`);
        return v;
      };
      const target = url.replace(/:(\w+)|\*/g, (match, name: string | undefined) => fill(name ?? match));
      const writes = method !== 'GET' && method !== 'HEAD';
      // Read-only Bull Board (BULL_BOARD_WRITE unset): no write to a queue may succeed, whatever
      // the token. Pause/resume-all answer 200 and skip read-only queues: nothing happens.
      const global = /\/api\/queues\/(pause|resume)$/.test(url);
      const intent: FuzzRequest['intent'] = !auth.ok || (writes && !global) ? 'hostile' : 'odd';
      if (!writes) return { route, method, target, headers: auth.headers, variant: label(variant), intent };
      const body = prng.pick<Json>([
        { name: `fz${CANARY}`, data: { x: CANARY }, options: { delay: 1 } },
        { delay: `soon ${CANARY}` },
        { priority: -1, data: [CANARY] },
        { concurrency: 1e9 },
      ]);
      return jsonRequest(
        {
          route,
          method,
          target,
          headers: auth.headers,
          variant: label(variant, writes ? 'write' : ''),
          intent,
        },
        body,
      );
    },
  };

  return [replay, metrics, board];
}

const label = (...parts: string[]) => parts.filter(Boolean).join('+') || 'valid';
