import { type Field, mutateBody } from '../fields.js';
import { CANARY, type Json } from '../hostile.js';
import { bodyAbuse } from './body-abuse.js';
import { hostilePathId, jsonRequest, queryAbuse, queryString, routeParts } from './build.js';
import { label, staffAuth } from './staff-auth.js';
import { breakOneParam } from './staff-lists.js';
import type { RouteGenerator } from './types.js';

const DAY = 86_400_000;

const settingsSpec: Record<string, Field> = {
  time_zone: {
    kind: 'custom',
    hostile: [
      ['tz.unknown', 'Mars/Olympus_Mons'],
      ['tz.empty', ''],
      ['tz.nul', `America/Lima\u0000${CANARY}`],
      ['tz.huge', `${CANARY}${'Z'.repeat(100_000)}`],
      ['tz.path', '../../../etc/localtime'],
      ['tz.number', -5],
    ],
    optional: true,
  },
  default_calendar_id: { kind: 'id', optional: true, nullable: true },
  business_hours: {
    kind: 'custom',
    optional: true,
    hostile: [
      ['hours.not-a-list', { mon: `x${CANARY}` }],
      ['hours.unknown-day', { monday: [{ start: '09:00', end: '10:00' }] }],
      ['hours.hour-25', { mon: [{ start: '25:00', end: '26:00' }] }],
      ['hours.end-before-start', { tue: [{ start: '10:00', end: '09:00' }] }],
      [
        'hours.overlap',
        {
          wed: [
            { start: '09:00', end: '12:00' },
            { start: '11:00', end: '13:00' },
          ],
        },
      ],
      [
        'hours.too-many',
        {
          thu: Array.from({ length: 13 }, (_, i) => ({
            start: `${String(i).padStart(2, '0')}:00`,
            end: `${String(i).padStart(2, '0')}:30`,
          })),
        },
      ],
      ['hours.one-digit', { fri: [{ start: '9:00', end: '10:00' }] }],
      ['hours.extra-field', { sat: [{ start: '09:00', end: '10:00', [`${CANARY} key`]: 1 }] }],
      ['hours.null-day', { sun: null }],
      ['hours.array', [] as Json],
      ['hours.huge-list', { mon: Array.from({ length: 50_000 }, () => ({ start: '09:00', end: '10:00' })) }],
    ],
  },
  slot_minutes: { kind: 'int', range: [5, 480], optional: true },
  buffer_minutes: { kind: 'int', range: [0, 240], optional: true },
  min_notice_minutes: { kind: 'int', range: [0, 525_600], optional: true },
  notify_patient: { kind: 'bool', optional: true },
};

/** Calendar discovery, free slots, location settings and the change feed. */
export function staffReadGenerators(): RouteGenerator[] {
  const calendars: RouteGenerator = {
    covers: ['GET /api/ghl/calendars'],
    weight: 5,
    generate(ctx, prng, route) {
      const { method } = routeParts(route);
      const auth = staffAuth(ctx, prng);
      const valid: [string, string][] = [
        ['location_id', prng.chance(0.8) ? ctx.locationId : ctx.otherLocationId],
      ];
      if (prng.chance(0.1)) valid.push(['refresh', '1']);
      const base = { route, method, headers: auth.headers };
      const roll = prng.next();
      if (auth.as !== 'valid' || roll < 0.3)
        return {
          ...base,
          target: `/api/ghl/calendars/${queryString(valid)}`,
          variant: label(auth.label),
          intent: auth.as === 'valid' ? 'valid' : 'hostile',
        };
      if (roll < 0.45)
        return {
          ...base,
          target: `/api/ghl/calendars${queryString([['location_id', ctx.foreignLocationId]])}`,
          variant: 'semantic.foreign-location',
          intent: 'hostile',
        };
      if (roll < 0.5)
        return { ...base, target: '/api/ghl/calendars', variant: 'location_id.missing', intent: 'hostile' };
      if (roll < 0.85) {
        const broken = breakOneParam(prng, valid, [
          ['location_id', 'id'],
          ['refresh', 'flag'],
        ]);
        return {
          ...base,
          target: `/api/ghl/calendars${queryString(broken.pairs)}`,
          variant: broken.variant,
          intent: broken.intent,
        };
      }
      const abuse = queryAbuse(prng, valid);
      return {
        ...base,
        target: `/api/ghl/calendars${queryString(abuse.pairs)}`,
        variant: abuse.label,
        intent: abuse.strictOnly ? 'odd' : 'hostile',
      };
    },
  };

  const freeSlots: RouteGenerator = {
    covers: ['GET /api/ghl/calendars/:id/free-slots'],
    weight: 6,
    generate(ctx, prng, route) {
      const { method } = routeParts(route);
      const auth = staffAuth(ctx, prng);
      // One range for every valid request of the run: GHL answers once, the cache the rest.
      const start = Math.floor(ctx.now / DAY) * DAY + 2 * DAY;
      const valid: [string, string][] = [
        ['location_id', ctx.locationId],
        ['start', String(start)],
        ['end', String(start + 7 * DAY)],
      ];
      const roll = prng.next();
      const [idLabel, calendar] = roll < 0.15 ? hostilePathId(prng) : ['', ctx.calendarId];
      const at = (pairs: [string, string][]) =>
        `/api/ghl/calendars/${calendar}/free-slots${queryString(pairs)}`;
      const base = { route, method, headers: auth.headers };
      if (auth.as !== 'valid' || idLabel || roll < 0.3)
        return {
          ...base,
          target: at(valid),
          variant: label(auth.label, idLabel),
          intent: auth.as === 'valid' && !idLabel ? 'valid' : 'hostile',
        };
      if (roll < 0.45) {
        const [variant, pairs] = prng.pick<[string, [string, string][]]>([
          [
            'range.over-31-days',
            [valid[0] as [string, string], ['start', String(start)], ['end', String(start + 40 * DAY)]],
          ],
          [
            'range.end-before-start',
            [valid[0] as [string, string], ['start', String(start)], ['end', String(start - DAY)]],
          ],
          [
            'range.beyond-js-dates',
            [valid[0] as [string, string], ['start', '9000000000000000'], ['end', '9000000086400000']],
          ],
          ['range.year-0000', [valid[0] as [string, string], ['start', '0000-01-01'], ['end', '0000-01-05']]],
          ['range.year-9999', [valid[0] as [string, string], ['start', '9999-12-01'], ['end', '9999-12-05']]],
          [
            'range.epoch-zero',
            [valid[0] as [string, string], ['start', '0000000000'], ['end', '0000086400']],
          ],
          [
            'range.digits-40',
            [valid[0] as [string, string], ['start', '9'.repeat(40)], ['end', '9'.repeat(41)]],
          ],
          ['semantic.foreign-location', [['location_id', ctx.foreignLocationId], ...valid.slice(1)]],
          ['semantic.uninstalled-location', [['location_id', ctx.otherLocationId], ...valid.slice(1)]],
          ['timezone.unknown', [...valid, ['timezone', 'Mars%2FOlympus']]],
          ['timezone.nul', [...valid, ['timezone', 'UTC%00']]],
          ['timezone.huge', [...valid, ['timezone', 'Z'.repeat(6_000)]]],
          ['missing.start', [valid[0] as [string, string], valid[2] as [string, string]]],
        ]);
        // A range long past or far ahead is a legal question; GHL answers it with no slots.
        const intent = variant === 'range.epoch-zero' || variant === 'range.year-9999' ? 'odd' : 'hostile';
        return { ...base, target: at(pairs), variant, intent };
      }
      if (roll < 0.55) {
        const unknown = `cal-fz-${ctx.nextId()}`;
        return {
          ...base,
          target: `/api/ghl/calendars/${unknown}/free-slots${queryString(valid)}`,
          variant: 'semantic.unknown-calendar',
          intent: 'hostile',
        };
      }
      if (roll < 0.9) {
        const broken = breakOneParam(prng, valid, [
          ['location_id', 'id'],
          ['start', 'date'],
          ['end', 'date'],
          ['timezone', 'text'],
        ]);
        // An ISO date in a wrong place can still be a legal instant (an epoch string is one).
        const intent = /^(start|end)\.q\.epoch$/.test(broken.variant) ? 'odd' : broken.intent;
        return { ...base, target: at(broken.pairs), variant: broken.variant, intent };
      }
      const abuse = queryAbuse(prng, valid);
      return {
        ...base,
        target: at(abuse.pairs),
        variant: abuse.label,
        intent: abuse.strictOnly ? 'odd' : 'hostile',
      };
    },
  };

  const settingsGet: RouteGenerator = {
    covers: ['GET /api/ghl/locations/:id/settings'],
    weight: 3,
    generate(ctx, prng, route) {
      const { method } = routeParts(route);
      const auth = staffAuth(ctx, prng);
      const [idLabel, id] = prng.chance(0.5)
        ? hostilePathId(prng)
        : prng.chance(0.2)
          ? ['semantic.foreign-location', ctx.foreignLocationId]
          : ['', ctx.locationId];
      const own = auth.as === 'foreign' ? id === ctx.foreignLocationId : auth.as === 'valid' && !idLabel;
      const refused = !own;
      return {
        route,
        method,
        target: `/api/ghl/locations/${id}/settings`,
        headers: auth.headers,
        variant: label(auth.label, idLabel),
        intent: refused ? 'hostile' : 'valid',
      };
    },
  };

  const settingsPut: RouteGenerator = {
    covers: ['PUT /api/ghl/locations/:id/settings'],
    weight: 5,
    generate(ctx, prng, route) {
      const auth = staffAuth(ctx, prng);
      const roll = prng.next();
      // Rules change only on the location nobody books in; the booked one gets notify_patient only.
      const full: { [key: string]: Json } = {
        time_zone: 'America/Lima',
        business_hours: { mon: [{ start: '08:00', end: '20:00' }] },
        slot_minutes: 30,
        buffer_minutes: 0,
        min_notice_minutes: 0,
        notify_patient: prng.chance(0.5),
      };
      const [idLabel, id] =
        roll < 0.12
          ? hostilePathId(prng)
          : roll < 0.16
            ? ['semantic.foreign-location', ctx.foreignLocationId]
            : ['', ctx.otherLocationId];
      const base = {
        route,
        method: 'PUT',
        target: `/api/ghl/locations/${id}/settings`,
        headers: auth.headers,
      };
      if (auth.as !== 'valid' || idLabel) {
        // The foreign key on its own location sets that location's rules, legitimately.
        const own = auth.as === 'foreign' && id === ctx.foreignLocationId;
        return jsonRequest(
          { ...base, variant: label(auth.label, idLabel), intent: own ? 'valid' : 'hostile' },
          full,
        );
      }
      if (roll < 0.25) return jsonRequest({ ...base, variant: 'valid', intent: 'valid' }, full);
      if (roll < 0.3)
        return jsonRequest(
          {
            ...base,
            target: `/api/ghl/locations/${ctx.locationId}/settings`,
            variant: 'valid.notify-only',
            intent: 'valid',
          },
          { notify_patient: true },
        );
      if (roll < 0.36)
        return jsonRequest(
          { ...base, variant: 'semantic.unknown-default-calendar', intent: 'hostile' },
          { default_calendar_id: `cal-fz-${ctx.nextId()}` },
        );
      if (roll < 0.75) {
        const [variant, body] = mutateBody(settingsSpec, full, prng);
        return jsonRequest({ ...base, variant: `field.${variant}`, intent: 'hostile' }, body);
      }
      return bodyAbuse(prng, base, settingsSpec, full);
    },
  };

  return [calendars, freeSlots, settingsGet, settingsPut];
}
