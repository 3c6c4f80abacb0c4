import type { Prng } from '../prng.js';
import type { FuzzRequest } from '../raw-http.js';
import {
  hostileQueryValue,
  mayBeLegal,
  type QueryKind,
  queryAbuse,
  queryString,
  routeParts,
} from './build.js';
import { label, staffAuth } from './staff-auth.js';
import type { FuzzContext, RouteGenerator } from './types.js';

// The staff routes driven by query strings alone: the cita list and the change feed.

/** One hostile value for one of `params`, the others kept valid. */
export function breakOneParam(
  prng: Prng,
  valid: [string, string][],
  params: [string, QueryKind][],
): { variant: string; pairs: [string, string][]; intent: 'hostile' | 'odd' } {
  const [name, kind] = prng.pick(params);
  const [variant, value] = hostileQueryValue(prng, kind);
  return {
    variant: `${name}.${variant}`,
    pairs: [...valid.filter(([k]) => k !== name), [name, value]],
    intent: mayBeLegal(kind, variant) ? 'odd' : 'hostile',
  };
}

/** The cita list and the change feed. */
export function staffListGenerators(): RouteGenerator[] {
  const list: RouteGenerator = {
    covers: ['GET /api/ghl/citas'],
    weight: 8,
    generate: (ctx, prng, route) => listCitasRequest(ctx, prng, route),
  };

  const changes: RouteGenerator = {
    covers: ['GET /api/ghl/changes'],
    weight: 5,
    generate(ctx, prng, route) {
      const { method } = routeParts(route);
      const auth = staffAuth(ctx, prng);
      const valid: [string, string][] = [];
      if (prng.chance(0.5)) valid.push(['after', `c1_${prng.int(5)}`]);
      if (prng.chance(0.5)) valid.push(['location_id', ctx.locationId]);
      if (prng.chance(0.3)) valid.push(['limit', String(1 + prng.int(500))]);
      if (prng.chance(0.2)) valid.push(['kinds', 'cita.created%2Ccita.cancelled']);
      const base = { route, method, headers: auth.headers };
      const roll = prng.next();
      if (auth.as === 'refused' || roll < 0.25)
        return {
          ...base,
          target: `/api/ghl/changes${queryString(valid)}`,
          variant: label(auth.label),
          intent: auth.as === 'refused' ? 'hostile' : 'valid',
        };
      if (roll < 0.5) {
        const [variant, after] = prng.pick<[string, string]>([
          ['after.negative', 'c1_-1'],
          ['after.no-number', 'c1_'],
          ['after.exponent', 'c1_1e3'],
          ['after.16-digits', `c1_${'9'.repeat(16)}`],
          ['after.beyond-head', `c1_${'9'.repeat(15)}`],
          ['after.other-version', 'c2_5'],
          ['after.too-long', `c1_${'1'.repeat(120)}`],
          ['after.nul', 'c1_1%00'],
          ['after.plain-number', '5'],
        ]);
        return {
          ...base,
          target: `/api/ghl/changes${queryString([...valid.filter(([k]) => k !== 'after'), ['after', after]])}`,
          variant,
          intent: 'hostile',
        };
      }
      if (roll < 0.85) {
        const broken = breakOneParam(prng, valid, [
          ['limit', 'int'],
          ['location_id', 'id'],
          ['kinds', 'list'],
        ]);
        return {
          ...base,
          target: `/api/ghl/changes${queryString(broken.pairs)}`,
          variant: broken.variant,
          intent: broken.intent,
        };
      }
      if (roll < 0.92)
        return {
          ...base,
          target: `/api/ghl/changes${queryString([['location_id', ctx.foreignLocationId]])}`,
          variant: 'semantic.foreign-location',
          intent: auth.as === 'foreign' ? 'valid' : 'hostile',
        };
      const abuse = queryAbuse(prng, valid.length ? valid : [['limit', '5']]);
      return {
        ...base,
        target: `/api/ghl/changes${queryString(abuse.pairs)}`,
        variant: abuse.label,
        intent: 'hostile',
      };
    },
  };

  return [list, changes];
}

/** GET /api/ghl/citas with its filters, valid or broken one at a time. */
function listCitasRequest(ctx: FuzzContext, prng: Prng, route: string): FuzzRequest {
  const { method } = routeParts(route);
  const auth = staffAuth(ctx, prng);
  const valid: [string, string][] = [];
  if (prng.chance(0.7)) valid.push(['location_id', prng.pick([ctx.locationId, ctx.otherLocationId])]);
  if (prng.chance(0.3)) valid.push(['status', prng.pick(['new', 'confirmed%2Ccancelled'])]);
  if (prng.chance(0.3)) valid.push(['from', '2020-01-01T00%3A00%3A00Z']);
  if (prng.chance(0.3)) valid.push(['limit', String(1 + prng.int(200))]);
  const base = { route, method, headers: auth.headers };
  const roll = prng.next();
  const refused = auth.as === 'refused';
  if (roll < 0.25 || refused)
    return {
      ...base,
      target: `/api/ghl/citas${queryString(valid)}`,
      variant: label(auth.label),
      intent: refused ? 'hostile' : 'valid',
    };
  if (roll < 0.7) {
    const [name, kind] = prng.pick<[string, QueryKind]>([
      ['location_id', 'id'],
      ['calendar_id', 'id'],
      ['external_id', 'id'],
      ['status', 'list'],
      ['sync_status', 'list'],
      ['conflict', 'flag'],
      ['include_deleted', 'flag'],
      ['from', 'date'],
      ['to', 'date'],
      ['updated_since', 'date'],
      ['limit', 'int'],
    ]);
    const [variant, value] = hostileQueryValue(prng, kind);
    const pairs = [...valid.filter(([k]) => k !== name), [name, value] as [string, string]];
    return {
      ...base,
      target: `/api/ghl/citas${queryString(pairs)}`,
      variant: `${name}.${variant}`,
      intent: mayBeLegal(kind, variant) ? 'odd' : 'hostile',
    };
  }
  if (roll < 0.85) {
    const [variant, cursor, intent] = hostileCursor(prng);
    return {
      ...base,
      target: `/api/ghl/citas${queryString([...valid, ['cursor', cursor]])}`,
      variant,
      intent,
    };
  }
  if (roll < 0.92) {
    const foreign: [string, string][] = [['location_id', ctx.foreignLocationId]];
    return {
      ...base,
      target: `/api/ghl/citas${queryString(foreign)}`,
      variant: 'semantic.foreign-location',
      // The foreign key's own location: its citas, legitimately.
      intent: auth.as === 'foreign' ? 'valid' : 'hostile',
    };
  }
  const abuse = queryAbuse(prng, valid.length ? valid : [['limit', '5']]);
  return {
    ...base,
    target: `/api/ghl/citas${queryString(abuse.pairs)}`,
    variant: abuse.label,
    intent: 'hostile',
  };
}

/** Cursors this API never gave out: malformed ones must be refused; well-formed forgeries may read. */
function hostileCursor(prng: Prng): [string, string, FuzzRequest['intent']] {
  const b64 = (value: string) => Buffer.from(value).toString('base64url');
  const uuid = '7d444840-9dc0-11d1-b245-5ffdce74fad2';
  return prng.pick<[string, string, FuzzRequest['intent']]>([
    ['cursor.random', prng.chars(40), 'hostile'],
    ['cursor.empty-json', b64('[]'), 'hostile'],
    ['cursor.wrong-tuple', b64('["2030-01-01T00:00:00Z","not-a-uuid"]'), 'hostile'],
    ['cursor.object', b64('{"__proto__":{"x":1}}'), 'hostile'],
    ['cursor.deep', b64('['.repeat(100) + ']'.repeat(100)), 'hostile'],
    ['cursor.too-long', 'c'.repeat(400), 'hostile'],
    ['cursor.nul', 'abc%00', 'hostile'],
    ['cursor.year-0000', b64(`["0000-01-01T00:00:00Z","${uuid}"]`), 'odd'],
    ['cursor.year-9999', b64(`["9999-12-31T23:59:59Z","${uuid}"]`), 'odd'],
    ['cursor.year-1000', b64(`["1000-01-01T00:00:00Z","${uuid}"]`), 'odd'],
    ['cursor.nil-uuid', b64('["2030-01-01T00:00:00Z","00000000-0000-0000-0000-000000000000"]'), 'odd'],
  ]);
}
