import type { Config } from '@ghl-bridge/config';
import { type RunningSandbox, startSandbox } from '@ghl-bridge/ghl-sandbox';
import { createLogger, createMetrics } from '@ghl-bridge/observability';
import { type TestDatabase, test } from '@ghl-bridge/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import {
  createGhl,
  createGhlHttp,
  GhlPermanentError,
  type GhlRequest,
  GhlSlotUnavailableError,
  GhlTransientError,
} from '../src/index.js';
import { sandboxConfig } from './rig.js';

let sandbox: RunningSandbox;
let locationId: string;
let calendarId: string;
let tokens: { access_token: string; refresh_token: string; expires_in: number };

beforeAll(async () => {
  sandbox = await startSandbox({ randomSeed: 11, rateLimit: { max: 100_000 } });
  const seeded = await sandbox.admin.seed({ locations: [{ timezone: 'America/Lima', mintTokens: true }] });
  const location = seeded.locations[0];
  if (!location?.tokens) throw new Error('no tokens');
  locationId = location.id;
  tokens = location.tokens;
  const calendars = await sandbox.admin.seed({
    calendars: [
      {
        locationId,
        name: 'Consultorio 1',
        openHours: [
          {
            daysOfTheWeek: [0, 1, 2, 3, 4, 5, 6],
            hours: [{ openHour: 0, openMinute: 0, closeHour: 23, closeMinute: 59 }],
          },
        ],
      },
    ],
  });
  calendarId = calendars.calendars[0] ?? '';
});
afterAll(() => sandbox.close());

/** A client whose every request is recorded, to check what goes on the wire. */
async function recordingClient({
  config,
  database,
  redis,
}: {
  config: Config;
  database: TestDatabase;
  redis: Redis;
}) {
  const cfg = sandboxConfig(config, sandbox);
  const sent: GhlRequest[] = [];
  const wire = createGhlHttp({ baseUrl: sandbox.url, timeoutMs: 5000 });
  const ghl = createGhl({
    config: cfg,
    db: database.db,
    redis,
    log: createLogger({ name: 'test', level: 'silent' }),
    metrics: createMetrics().ghl,
    http: (request) => {
      sent.push(request);
      return wire(request);
    },
  });
  await ghl.store.save({
    resourceId: locationId,
    userType: 'Location',
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: new Date(Date.now() + tokens.expires_in * 1000),
  });
  return { ghl, sent };
}

const tomorrowAt = (hourUtc: number) => {
  const day = new Date(Date.now() + 2 * 86_400_000);
  day.setUTCHours(hourUtc, 0, 0, 0);
  return day;
};

describe('GhlClient against the sandbox', () => {
  test('reads calendars, free slots and events with the calendars Version header', async ({
    config,
    database,
    redis,
  }) => {
    const { ghl, sent } = await recordingClient({ config, database, redis });
    const calendars = await ghl.client.listCalendars(locationId);
    expect(calendars.map((c) => c.id)).toContain(calendarId);
    expect((await ghl.client.getCalendar(locationId, calendarId)).name).toBe('Consultorio 1');
    const start = tomorrowAt(0);
    const slots = await ghl.client.getFreeSlots(locationId, calendarId, {
      startMs: start.getTime(),
      endMs: start.getTime() + 86_400_000,
      timezone: 'America/Lima',
    });
    const firstDay = Object.values(slots)[0] ?? [];
    expect(firstDay.length).toBeGreaterThan(0);
    expect(firstDay[0]).toMatch(/-05:00$/);
    expect(
      await ghl.client.listEvents(locationId, {
        calendarId,
        startMs: start.getTime(),
        endMs: start.getTime() + 86_400_000,
      }),
    ).toEqual([]);
    expect(sent.every((r) => r.version === '2021-04-15' && r.bearer === tokens.access_token)).toBe(true);
  });

  test('creates, reads, moves and deletes an appointment, and upserts and reads a contact', async ({
    config,
    database,
    redis,
  }) => {
    const { ghl, sent } = await recordingClient({ config, database, redis });
    const { contact } = await ghl.client.upsertContact({
      locationId,
      name: 'Ana Quispe',
      email: 'ana@example.com',
      phone: '+51987654321',
    });
    expect((await ghl.client.getContact(locationId, contact.id)).email).toBe('ana@example.com');
    expect(sent.filter((r) => r.endpoint.includes('contacts')).every((r) => r.version === '2021-07-28')).toBe(
      true,
    );

    const start = tomorrowAt(15);
    const created = await ghl.client.createAppointment({
      locationId,
      calendarId,
      contactId: contact.id,
      startTime: start.toISOString(),
      endTime: new Date(start.getTime() + 30 * 60_000).toISOString(),
      title: 'Consulta',
      ignoreFreeSlotValidation: true,
    });
    expect(created.calendarId).toBe(calendarId);
    const event = await ghl.client.getAppointment(locationId, created.id);
    expect(event.dateUpdated).toBeTruthy();
    const moved = new Date(start.getTime() + 3600_000).toISOString();
    await ghl.client.updateAppointment(locationId, created.id, {
      startTime: moved,
      endTime: new Date(start.getTime() + 5400_000).toISOString(),
    });
    expect(Date.parse((await ghl.client.getAppointment(locationId, created.id)).startTime)).toBe(
      Date.parse(moved),
    );
    await ghl.client.deleteEvent(locationId, created.id);
    await expect(ghl.client.getAppointment(locationId, created.id)).rejects.toBeInstanceOf(GhlPermanentError);
  });

  test('a taken slot is its own permanent error, and other 4xx keep GHL message without a retry', async ({
    config,
    database,
    redis,
  }) => {
    const { ghl, sent } = await recordingClient({ config, database, redis });
    const { contact } = await ghl.client.upsertContact({ locationId, email: 'slot@example.com' });
    const start = tomorrowAt(17).toISOString();
    const body = { locationId, calendarId, contactId: contact.id, startTime: start };
    await ghl.client.createAppointment({ ...body, ignoreFreeSlotValidation: true });
    const conflict = await ghl.client.createAppointment(body).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(GhlSlotUnavailableError);
    expect((conflict as GhlSlotUnavailableError).status).toBe(400);

    const before = sent.length;
    const unknown = await ghl.client.getCalendar(locationId, 'no-such-calendar').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(GhlPermanentError);
    expect(sent.length - before).toBe(1);
  });

  test('5xx and dropped connections are transient errors', async ({ config, database, redis }) => {
    const { ghl } = await recordingClient({ config, database, redis });
    await sandbox.admin.setFaults([
      { route: 'GET /calendars/:calendarId', errorRate: 1, status: 503, times: 1 },
    ]);
    const error = await ghl.client.getCalendar(locationId, calendarId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GhlTransientError);
    expect((error as GhlTransientError).status).toBe(503);
    await sandbox.admin.clearFaults();
  });
});
