import { CANARY, type Json, withKey } from '../hostile.js';
import type { FuzzRequest } from '../raw-http.js';
import { adminAuth } from './admin-auth.js';
import { hostilePathId, jsonRequest, routeParts } from './build.js';
import type { RouteGenerator } from './types.js';

const UNKNOWN_ID = '7d444840-9dc0-11d1-b245-5ffdce74fad2';

/**
 * `/admin/endpoints` (RV3's webhook endpoints, behind the admin token): every way to name an
 * endpoint wrongly, and URLs that must not be one (ghl-bridge itself under any alias, other
 * schemes, credentials in the URL). A valid endpoint is added now and then: it points at a
 * port nothing listens on, so its deliveries fail and retry, outside what this suite counts.
 */
export const endpointGenerator: RouteGenerator = {
  covers: (route) => routeParts(route).url.startsWith('/admin/endpoints'),
  weight: 4,
  generate(ctx, prng, route) {
    const { method, url } = routeParts(route);
    const auth = adminAuth(ctx, prng, 0.7);
    const [idLabel, id] = prng.chance(0.7) ? hostilePathId(prng) : ['id.unknown', UNKNOWN_ID];
    const target = url.replace(':id', id);
    const base = { route, method, target, headers: auth.headers };
    // A HEAD is the GET without its body: a read, whatever body came with it.
    const read = method === 'GET' || method === 'HEAD';
    if (!auth.ok || read) {
      const intent: FuzzRequest['intent'] = auth.ok ? 'valid' : 'hostile';
      return read
        ? { ...base, variant: auth.label || 'valid', intent }
        : jsonRequest({ ...base, variant: auth.label, intent }, {});
    }
    if (url.endsWith('/replay')) {
      const [variant, body] = prng.pick<[string, Json]>([
        ['since.year-0000', { since: '0000-01-01T00:00:00Z' }],
        ['since.nul', { since: `2030-01-01T00:00:00Z\u0000${CANARY}` }],
        ['since.extra-key', withKey({ since: '2030-01-01T00:00:00Z' }, '__proto__', { polluted: CANARY })],
        ['since.valid', { since: '2030-01-01T00:00:00Z' }],
      ]);
      // Every id here is malformed or unknown: 400 or 404, whatever the body.
      return jsonRequest({ ...base, variant: `${idLabel}+${variant}`, intent: 'hostile' }, body);
    }
    if (url !== '/admin/endpoints') return jsonRequest({ ...base, variant: idLabel, intent: 'hostile' }, {});
    const self = new URL(ctx.ingressUrl);
    const [variant, body, intent] = prng.pick<[string, Json, FuzzRequest['intent']]>([
      ['valid', { url: `http://127.0.0.1:9/rv3/${ctx.nextId()}`, locations: [ctx.locationId] }, 'valid'],
      ['url.self', { url: `${ctx.ingressUrl}/api/webhooks/ghl`, locations: [ctx.locationId] }, 'hostile'],
      [
        'url.self-decimal',
        { url: `http://2130706433:${self.port}/`, locations: [ctx.locationId] },
        'hostile',
      ],
      [
        'url.self-localhost',
        { url: `http://localhost.:${self.port}/`, locations: [ctx.locationId] },
        'hostile',
      ],
      ['url.javascript', { url: `javascript:alert('${CANARY}')`, locations: [ctx.locationId] }, 'hostile'],
      [
        'url.credentials',
        { url: `https://rv3:${CANARY}@rv3.example/hook`, locations: [ctx.locationId] },
        'hostile',
      ],
      [
        'url.huge',
        { url: `https://rv3.example/${'u'.repeat(3_000)}`, locations: [ctx.locationId] },
        'hostile',
      ],
      ['url.nul', { url: `https://rv3.example/\u0000${CANARY}`, locations: [ctx.locationId] }, 'hostile'],
      ['locations.empty', { url: 'https://rv3.example/hook', locations: [] }, 'hostile'],
      ['locations.comma', { url: 'https://rv3.example/hook', locations: ['a,b'] }, 'hostile'],
      ['locations.nul', { url: 'https://rv3.example/hook', locations: [`a\u0000${CANARY}`] }, 'hostile'],
      [
        'locations.too-many',
        { url: 'https://rv3.example/hook', locations: Array.from({ length: 101 }, (_, i) => `l${i}`) },
        'hostile',
      ],
      [
        'kinds.unknown',
        { url: 'https://rv3.example/hook', locations: [ctx.locationId], kinds: [`cita.${CANARY}`] },
        'hostile',
      ],
      [
        'extra-key',
        withKey({ url: 'https://rv3.example/hook', locations: [ctx.locationId] }, 'constructor', CANARY),
        'hostile',
      ],
      ['body.array', [{ url: 'https://rv3.example/hook' }], 'hostile'],
    ]);
    return jsonRequest({ ...base, target: '/admin/endpoints', variant, intent }, body);
  },
};
