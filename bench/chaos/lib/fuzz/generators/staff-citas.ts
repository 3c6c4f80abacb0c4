import { type Field, oddText } from '../fields.js';
import { badIdempotencyKey, type Header } from '../headers.js';
import { brokenBody, CANARY, type Json } from '../hostile.js';
import type { Prng } from '../prng.js';
import type { FuzzRequest } from '../raw-http.js';
import { bodyAbuse } from './body-abuse.js';
import { hostilePathId, jsonRequest, routeParts } from './build.js';
import { label, staffAuth } from './staff-auth.js';
import type { FuzzContext, RouteGenerator } from './types.js';

const id: Field = { kind: 'id' };
const patient: Field = {
  kind: 'object',
  strict: false,
  fields: {
    name: { kind: 'text', max: 200, trimmedMin: 1 },
    phone: { kind: 'text', max: 40, trimmedMin: 5, optional: true },
    email: { kind: 'email', optional: true },
  },
};

/** POST /api/ghl/citas as the README documents it. */
const createSpec: Record<string, Field> = {
  location_id: id,
  external_id: { ...id, optional: true },
  calendar_id: { ...id, optional: true },
  patient,
  title: { kind: 'text', max: 500, optional: true },
  notes: { kind: 'text', max: 5_000, optional: true },
  start: { kind: 'date' },
  end: { kind: 'date', optional: true },
  status: { kind: 'enum', values: ['new', 'confirmed'], optional: true },
  assigned_user_id: { ...id, optional: true },
};

/** PUT /api/ghl/citas/{id}: every field optional, title/notes/assigned user nullable. */
const updateSpec: Record<string, Field> = {
  calendar_id: { ...id, optional: true },
  patient: { ...patient, optional: true },
  title: { kind: 'text', max: 500, optional: true, nullable: true },
  notes: { kind: 'text', max: 5_000, optional: true, nullable: true },
  start: { kind: 'date', optional: true },
  end: { kind: 'date', optional: true },
  status: {
    kind: 'enum',
    values: ['new', 'confirmed', 'cancelled', 'showed', 'noshow', 'invalid'],
    optional: true,
  },
  assigned_user_id: { ...id, optional: true, nullable: true },
};

/**
 * The cita routes. Valid bookings and edits are sent on purpose (their effects are accounted
 * for); everything else must be refused with a 4xx and change nothing.
 */
export function citaGenerators(): RouteGenerator[] {
  // Idempotency keys of valid bookings already generated, with their bodies, for replays.
  const keyed: { key: string; body: Json }[] = [];

  const validBooking = (ctx: FuzzContext, prng: Prng): { [key: string]: Json } => {
    const n = ctx.nextId();
    const slot = ctx.nextSlot();
    return {
      location_id: ctx.locationId,
      calendar_id: ctx.calendarId,
      ...(prng.chance(0.3) ? { external_id: `rv3-fz-${n}` } : {}),
      patient: { name: oddText(prng, 200), email: `p${n}.${CANARY}@example.com`, phone: '+51987654321' },
      title: oddText(prng, 500),
      notes: oddText(prng, 5_000),
      start: slot.start,
      ...(prng.chance(0.5) ? { end: slot.end } : {}),
      status: prng.pick(['new', 'confirmed']),
    };
  };

  const create: RouteGenerator = {
    covers: ['POST /api/ghl/citas'],
    weight: 14,
    generate(ctx, prng, route) {
      const auth = staffAuth(ctx, prng);
      const target = prng.chance(0.5) ? '/api/ghl/citas/' : '/api/ghl/citas';
      const base = { route, method: 'POST', target, headers: auth.headers };
      const body = validBooking(ctx, prng);
      const roll = prng.next();
      if (auth.as !== 'valid') return jsonRequest({ ...base, variant: auth.label, intent: 'hostile' }, body);
      if (roll < 0.14) {
        const key = `fz-${ctx.nextId()}-${CANARY}`;
        keyed.push({ key, body });
        const headers: Header[] = [...auth.headers, ['idempotency-key', key]];
        return jsonRequest({ ...base, headers, variant: 'valid.idempotency-key', intent: 'valid' }, body);
      }
      if (roll < 0.2 && keyed.length > 0) {
        const earlier = prng.pick(keyed);
        const same = prng.chance(0.6);
        const headers: Header[] = [...auth.headers, ['idempotency-key', earlier.key]];
        const sent = same ? earlier.body : body;
        // The same key with another body: 422 (or, if it lands first, the other gets the 422).
        return jsonRequest(
          {
            ...base,
            headers,
            variant: same ? 'idem.replay' : 'idem.reused-other-body',
            intent: same ? 'valid' : 'odd',
          },
          sent,
        );
      }
      if (roll < 0.3) return jsonRequest({ ...base, variant: 'valid', intent: 'valid' }, body);
      if (roll < 0.36) {
        const [variant, headers] = badIdempotencyKey(prng);
        return jsonRequest(
          { ...base, headers: [...auth.headers, ...headers], variant, intent: 'hostile' },
          body,
        );
      }
      if (roll < 0.44) return semanticRefusal(ctx, prng, base, body);
      return bodyAbuse(prng, base, createSpec, body);
    },
  };

  const update: RouteGenerator = {
    covers: ['PUT /api/ghl/citas/:id'],
    weight: 10,
    generate(ctx, prng, route) {
      const auth = staffAuth(ctx, prng);
      const editable = ctx.citaIds.slice(0, Math.ceil(ctx.citaIds.length / 2));
      const citaId = prng.pick(editable);
      const roll = prng.next();
      const [idLabel, pathId] = roll < 0.12 ? hostilePathId(prng) : ['', citaId];
      const base = {
        route,
        method: 'PUT',
        target: `/api/ghl/citas/${pathId}${prng.chance(0.3) ? '/' : ''}`,
        headers: auth.headers,
      };
      const edit: { [key: string]: Json } = prng.pick<() => { [key: string]: Json }>([
        () => ({ notes: oddText(prng, 5_000) }),
        () => ({ title: oddText(prng, 500), status: 'confirmed' }),
        () => ({ patient: { name: oddText(prng, 200), email: `edit.${CANARY}@example.com` } }),
        () => ({ ...ctx.nextSlot() }),
      ])();
      if (auth.as !== 'valid' || idLabel)
        return jsonRequest({ ...base, variant: label(auth.label, idLabel), intent: 'hostile' }, edit);
      if (roll < 0.3) return jsonRequest({ ...base, variant: 'valid', intent: 'valid' }, edit);
      if (roll < 0.36)
        return jsonRequest({ ...base, variant: 'body.nothing-to-change', intent: 'hostile' }, {});
      if (roll < 0.42) {
        const slot = ctx.nextSlot();
        return jsonRequest(
          { ...base, variant: 'semantic.end-before-start', intent: 'hostile' },
          { start: slot.end, end: slot.start },
        );
      }
      return bodyAbuse(prng, base, updateSpec, edit);
    },
  };

  const cancel: RouteGenerator = {
    covers: ['POST /api/ghl/citas/:id/cancel'],
    weight: 6,
    generate(ctx, prng, route) {
      const auth = staffAuth(ctx, prng);
      const cancellable = ctx.citaIds.slice(Math.ceil(ctx.citaIds.length / 2));
      const roll = prng.next();
      const [idLabel, pathId] = roll < 0.4 ? hostilePathId(prng) : ['', prng.pick(cancellable)];
      const base = {
        route,
        method: 'POST',
        target: `/api/ghl/citas/${pathId}/cancel${prng.chance(0.5) ? '/' : ''}`,
        headers: auth.headers,
      };
      const refused = auth.as !== 'valid' || idLabel !== '';
      const intent = refused ? 'hostile' : 'valid';
      const bodyRoll = prng.next();
      if (bodyRoll < 0.4) return { ...base, variant: label(auth.label, idLabel), intent };
      if (bodyRoll < 0.55)
        return jsonRequest(
          { ...base, variant: label(auth.label, idLabel, 'body.empty-json'), intent },
          Buffer.alloc(0),
        );
      const broken = brokenBody(prng, '{"reason":"x"}');
      // The route ignores its body: one that still parses as JSON may cancel.
      return jsonRequest(
        {
          ...base,
          variant: label(auth.label, idLabel, broken.label),
          intent: refused || !broken.parses ? 'hostile' : 'odd',
        },
        broken.bytes,
      );
    },
  };

  const getOne: RouteGenerator = {
    covers: ['GET /api/ghl/citas/:id'],
    weight: 5,
    generate(ctx, prng, route) {
      const { method } = routeParts(route);
      const auth = staffAuth(ctx, prng);
      const [idLabel, pathId] = prng.chance(0.6) ? hostilePathId(prng) : ['', prng.pick(ctx.citaIds)];
      const refused = auth.as === 'refused' || idLabel !== '' || auth.as === 'foreign';
      return {
        route,
        method,
        target: `/api/ghl/citas/${pathId}`,
        headers: auth.headers,
        variant: label(auth.label, idLabel),
        intent: refused ? 'hostile' : 'valid',
      };
    },
  };

  return [create, update, cancel, getOne];
}

/** A booking the API must refuse for what it means: the past, closed hours, another location. */
function semanticRefusal(
  ctx: FuzzContext,
  prng: Prng,
  base: Omit<FuzzRequest, 'variant' | 'intent' | 'body'>,
  body: { [key: string]: Json },
): FuzzRequest {
  const [variant, changed] = prng.pick<[string, { [key: string]: Json }]>([
    [
      'semantic.in-the-past',
      { ...body, start: '2001-03-05T09:00:00-05:00', end: '2001-03-05T09:30:00-05:00' },
    ],
    ['semantic.night', { ...body, start: '2031-03-04T03:00:00-05:00', end: '2031-03-04T03:30:00-05:00' }],
    ['semantic.sunday', { ...body, start: '2031-03-02T10:00:00-05:00', end: '2031-03-02T10:30:00-05:00' }],
    ['semantic.end-before-start', { ...body, end: body.start as string, start: '2031-03-04T11:00:00-05:00' }],
    ['semantic.zero-length', { ...body, end: body.start as string }],
    ['semantic.foreign-location', { ...body, location_id: ctx.foreignLocationId }],
    ['semantic.unknown-calendar', { ...body, calendar_id: `cal-fz-unknown-${ctx.nextId()}` }],
    ['semantic.uninstalled-location', { ...body, location_id: ctx.otherLocationId }],
    ['semantic.no-contact', { ...body, patient: { name: 'Sin contacto' } }],
  ]);
  return jsonRequest({ ...base, variant, intent: 'hostile' }, changed);
}
