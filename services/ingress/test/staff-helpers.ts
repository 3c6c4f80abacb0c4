import type { Config } from '@ghl-bridge/config';
import { createApiKey, type Database } from '@ghl-bridge/db';
import { startTestApp, type TestAppOptions } from './test-app.js';

export const LOC = 'loc_staff_1';
export const OTHER_LOC = 'loc_staff_2';
export const CAL = 'cal_staff_1';

/**
 * The ingress app plus an API key for LOC, ready to `inject` staff requests. The file's
 * database is shared by its tests, so each starts from empty staff tables.
 */
export async function startStaffApp(
  database: Database,
  config: Config,
  options: Partial<TestAppOptions> = {},
) {
  await database.sql`truncate citas, outbox, idempotency_keys, location_settings, api_keys`;
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
