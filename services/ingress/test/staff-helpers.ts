import type { Config } from '@ghl-bridge/config';
import { createApiKey, type Database, saveCalendars } from '@ghl-bridge/db';
import { startTestApp, type TestAppOptions } from './test-app.js';

export const LOC = 'loc_staff_1';
export const OTHER_LOC = 'loc_staff_2';
export const CAL = 'cal_staff_1';
/** A second calendar of LOC. */
export const OTHER_CAL = 'cal_staff_2';
/** A calendar of another location. */
export const FOREIGN_CAL = 'cal_other_1';

function calendarRow(id: string, locationId: string, teamMemberIds: string[] = []) {
  return {
    id,
    locationId,
    name: id,
    description: null,
    timeZone: null,
    isActive: true,
    teamMemberIds,
    slotMinutes: 30,
  };
}

/**
 * The ingress app plus an API key for LOC, ready to `inject` staff requests. The file's
 * database is shared by its tests, so each starts from empty staff tables.
 */
export async function startStaffApp(
  database: Database,
  config: Config,
  options: Partial<TestAppOptions> = {},
) {
  await database.sql`truncate citas, cita_changes, outbox, idempotency_keys, location_settings, api_keys, ghl_calendars, ghl_blocked_slots`;
  // The calendars discovery would have mirrored from GHL: staff writes check them.
  await saveCalendars(database.db, [
    calendarRow(CAL, LOC),
    calendarRow(OTHER_CAL, LOC),
    calendarRow(FOREIGN_CAL, OTHER_LOC),
  ]);
  const { secret, apiKey } = await createApiKey(database.db, { name: 'rv3-test', locationIds: [LOC] });
  const started = await startTestApp({ config, ...options });
  const auth = { authorization: `Bearer ${secret}` };
  return { ...started, auth, apiKey, secret };
}

/** A valid booking body: Monday 2030-03-04 in Lima business hours, 30 minutes. */
export function citaBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    location_id: LOC,
    calendar_id: CAL,
    patient: { name: 'Ana Quispe', phone: '+51987654321', email: 'ana@example.com' },
    title: 'Consulta',
    start: '2030-03-04T09:00:00-05:00',
    end: '2030-03-04T09:30:00-05:00',
    ...overrides,
  };
}
