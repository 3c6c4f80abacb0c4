import { eq, inArray, sql } from 'drizzle-orm';
import { type BusinessHours, locationSettings } from '../schema/location-settings.js';
import type { Executor } from './executor.js';

/** A location's booking rules, as the API and the worker use them. */
export interface LocationSettings {
  locationId: string;
  timeZone: string;
  defaultCalendarId: string | null;
  businessHours: BusinessHours;
  slotMinutes: number;
  bufferMinutes: number;
  minNoticeMinutes: number;
  notifyPatient: boolean;
  /** True when the location has no row and these are DEFAULT_LOCATION_SETTINGS. */
  isDefault: boolean;
}

const WORKDAY = [{ start: '08:00', end: '20:00' }];

/** What a location gets until someone sets its rules: a Lima clinic open Monday to Saturday. */
export const DEFAULT_LOCATION_SETTINGS: Omit<LocationSettings, 'locationId' | 'isDefault'> = Object.freeze({
  timeZone: 'America/Lima',
  defaultCalendarId: null,
  businessHours: { mon: WORKDAY, tue: WORKDAY, wed: WORKDAY, thu: WORKDAY, fri: WORKDAY, sat: WORKDAY },
  slotMinutes: 30,
  bufferMinutes: 0,
  minNoticeMinutes: 0,
  notifyPatient: true,
});

export async function getLocationSettings(db: Executor, locationId: string): Promise<LocationSettings> {
  const [row] = await db.select().from(locationSettings).where(eq(locationSettings.locationId, locationId));
  return row ? fromRow(row) : { ...DEFAULT_LOCATION_SETTINGS, locationId, isDefault: true };
}

/** Settings for several locations at once (list endpoints), defaults filled in. */
export async function getLocationSettingsMany(
  db: Executor,
  locationIds: readonly string[],
): Promise<Map<string, LocationSettings>> {
  const unique = [...new Set(locationIds)];
  const result = new Map<string, LocationSettings>();
  if (unique.length === 0) return result;
  const rows = await db.select().from(locationSettings).where(inArray(locationSettings.locationId, unique));
  for (const row of rows) result.set(row.locationId, fromRow(row));
  for (const id of unique)
    if (!result.has(id)) result.set(id, { ...DEFAULT_LOCATION_SETTINGS, locationId: id, isDefault: true });
  return result;
}

export async function saveLocationSettings(
  db: Executor,
  settings: Omit<LocationSettings, 'isDefault'>,
): Promise<LocationSettings> {
  const { locationId, ...values } = settings;
  const [row] = await db
    .insert(locationSettings)
    .values({ locationId, ...values })
    .onConflictDoUpdate({ target: locationSettings.locationId, set: { ...values, updatedAt: sql`now()` } })
    .returning();
  if (!row) throw new Error('location settings upsert returned no row');
  return fromRow(row);
}

function fromRow(row: typeof locationSettings.$inferSelect): LocationSettings {
  return {
    locationId: row.locationId,
    timeZone: row.timeZone,
    defaultCalendarId: row.defaultCalendarId,
    businessHours: row.businessHours,
    slotMinutes: row.slotMinutes,
    bufferMinutes: row.bufferMinutes,
    minNoticeMinutes: row.minNoticeMinutes,
    notifyPatient: row.notifyPatient,
    isDefault: false,
  };
}
