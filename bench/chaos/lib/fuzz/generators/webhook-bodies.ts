import type { Header } from '../headers.js';
import { CANARY, type Json, made, nested, pollution, withKey } from '../hostile.js';
import type { Prng } from '../prng.js';
import type { FuzzContext } from './types.js';

// Webhook bodies: events as GHL publishes them, and what GHL could sign but no real event holds.

export const HOUR = 3_600_000;
/** Far from every staff booking, one hour per event, so webhook citas never overlap anything. */
const FAR_FUTURE = Date.UTC(2035, 0, 1);

export type Body = { [key: string]: Json };

/** An appointment or contact event in the shape of GHL's published examples. */
export function event(ctx: FuzzContext, prng: Prng, locationId: string): Body {
  const n = ctx.nextId();
  const stamp = new Date(ctx.now).toISOString();
  const webhookId = `fz-wh-${n}`;
  if (prng.chance(0.3))
    return {
      type: prng.pick(['ContactCreate', 'ContactUpdate', 'ContactTagUpdate']),
      locationId,
      id: `contact-fz-${n}`,
      firstName: `Ana ${CANARY}`,
      lastName: 'Quispe',
      email: `c${n}.${CANARY}@example.com`,
      phone: '+51987654321',
      tags: [CANARY],
      timestamp: stamp,
      webhookId,
    };
  const start = new Date(FAR_FUTURE + n * HOUR);
  return {
    type: prng.pick(['AppointmentCreate', 'AppointmentUpdate']),
    locationId,
    appointment: {
      id: `appt-fz-${n}`,
      // GHL's calendar ids are unique across locations: each location here has its own.
      calendarId: locationId === ctx.locationId ? ctx.calendarId : `cal-of-${locationId}`,
      contactId: `contact-fz-${n}`,
      title: `Consulta ${CANARY}`,
      appointmentStatus: 'confirmed',
      assignedUserId: 'user-fz-1',
      notes: `notas ${CANARY}`,
      startTime: start.toISOString(),
      endTime: new Date(start.getTime() + 30 * 60_000).toISOString(),
      dateAdded: stamp,
      dateUpdated: stamp,
    },
    timestamp: stamp,
    webhookId,
  };
}

/**
 * Content GHL could sign but no real event has: the signature makes it GHL's word, so ingress
 * stores it (200) and the worker must record it (processed, ignored or failed for good) without
 * crashing, retrying for ever, or logging it.
 */
export function strangeButSigned(ctx: FuzzContext, prng: Prng, body: Body): [string, Body] {
  const appt = (body.appointment ?? {}) as Body;
  const withAppt = (patch: Body): Body => ({ ...body, appointment: { ...appt, ...patch } });
  return made<Body>(prng, [
    ['signed.nul-in-title', () => withAppt({ title: `a\u0000${CANARY}`, notes: `\u0000${CANARY}` })],
    ['signed.nul-in-keys', () => withKey(body, `k\u0000${CANARY}`, `v\u0000${CANARY}`)],
    [
      'signed.year-0000',
      () => withAppt({ startTime: '0000-01-01T00:00:00Z', endTime: '0000-01-01T00:30:00Z' }),
    ],
    [
      'signed.year-10000',
      () => withAppt({ startTime: '10000-01-01T00:00:00Z', endTime: '10000-01-01T00:30:00Z' }),
    ],
    [
      'signed.year-9999',
      () => withAppt({ startTime: '9999-12-31T23:00:00Z', endTime: '9999-12-31T23:30:00Z' }),
    ],
    ['signed.feb-30', () => withAppt({ startTime: '2035-02-30T10:00:00Z', endTime: '2035-02-30T10:30:00Z' })],
    ['signed.end-before-start', () => withAppt({ endTime: '2001-01-01T00:00:00Z' })],
    ['signed.huge-notes', () => withAppt({ notes: CANARY + 'n'.repeat(300_000) })],
    ['signed.huge-id', () => withAppt({ id: CANARY + 'i'.repeat(50_000) })],
    ['signed.ids-as-numbers', () => withAppt({ id: 42, calendarId: 1.5 })],
    ['signed.appointment-string', () => ({ ...body, appointment: CANARY })],
    [
      'signed.proto-keys',
      () => withKey(withKey(body, '__proto__', pollution(prng)), 'constructor', pollution(prng)),
    ],
    ['signed.type-unknown', () => ({ ...body, type: `Evil${CANARY}` })],
    ['signed.type-number', () => ({ ...body, type: 7 })],
    [
      'signed.install-junk',
      () => ({ ...body, type: 'INSTALL', companyId: { $ne: null }, locationId: [CANARY] }),
    ],
    [
      'signed.uninstall-stranger',
      () => ({ ...body, type: 'UNINSTALL', locationId: `loc-fz-stranger-${ctx.nextId()}` }),
    ],
    // Location ids are logged (they are not patient data): no canary in them, only the NUL.
    [
      'signed.location-nul',
      // Another location, so (as in GHL) its calendar is another too.
      () => ({
        ...body,
        locationId: 'loc\u0000-fz-nul',
        ...(body.appointment ? { appointment: { ...appt, calendarId: 'cal-of-loc-fz-nul' } } : {}),
      }),
    ],
    [
      'signed.location-missing',
      () => {
        const { locationId: _l, ...rest } = body;
        return rest;
      },
    ],
    ['signed.webhook-id-number', () => ({ ...body, webhookId: 12345 + ctx.nextId() })],
    [
      'signed.no-timestamp',
      () => {
        const { timestamp: _t, ...rest } = body;
        return rest;
      },
    ],
    ['signed.deep-63', () => ({ ...body, extra: nested(60, 'object') })],
    [
      'signed.many-keys',
      () =>
        Object.fromEntries([
          ...Object.entries(body),
          ...Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]),
        ]),
    ],
    ['signed.date-updated-junk', () => withAppt({ dateUpdated: `yesterday ${CANARY}` })],
  ]);
}

/** Signature headers that must not verify, for bytes `raw` (whose valid signature is `good`). */
export function badSignature(ctx: FuzzContext, prng: Prng, raw: Buffer, good: string): [string, Header[]] {
  const other = ctx.sign(Buffer.concat([raw, Buffer.from(' ')]));
  return prng.pick<[string, Header[]]>([
    ['sig.missing', []],
    ['sig.n-a', [['x-ghl-signature', 'N/A']]],
    ['sig.empty', [['x-ghl-signature', '']]],
    ['sig.random-64-bytes', [['x-ghl-signature', prng.bytes(64).toString('base64')]]],
    ['sig.truncated', [['x-ghl-signature', good.slice(0, 40)]]],
    ['sig.other-body', [['x-ghl-signature', other]]],
    ['sig.not-base64', [['x-ghl-signature', `${CANARY}!!`]]],
    ['sig.huge', [['x-ghl-signature', `${CANARY}${'A'.repeat(12_000)}`]]],
    [
      'sig.duplicate-good-first',
      [
        ['x-ghl-signature', good],
        ['x-ghl-signature', other],
      ],
    ],
    ['sig.legacy-rsa-only', [['x-wh-signature', prng.bytes(256).toString('base64')]]],
    [
      'sig.legacy-na-and-junk',
      [
        ['x-ghl-signature', 'N/A'],
        ['x-wh-signature', 'N/A'],
      ],
    ],
  ]);
}
