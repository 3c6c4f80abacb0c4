import {
  applyGhlAppointments,
  deleteGhlAppointments,
  type GhlApplyResult,
  type GhlAppointment,
} from '@ghl-bridge/citas';
import { citas, type Db, describeError, saveBlockedSlots, saveCalendars } from '@ghl-bridge/db';
import type { GhlClient } from '@ghl-bridge/ghl';
import { and, eq, gte, isNotNull, isNull, lt, notInArray, sql } from 'drizzle-orm';
import { appointmentFromRead, blockMirror, calendarMirror } from './from-ghl.js';

export interface ReconcileWindow {
  /** How far back to look, in ms before now. */
  backMs: number;
  /** How far ahead to look, in ms after now. */
  aheadMs: number;
}

export interface ReconcileReport {
  created: number;
  updated: number;
  removed: number;
  /** Appointments that could not be applied; the rest of the run went on without them. */
  failed: Array<{ ghlAppointmentId: string; reason: string }>;
  /** Contacts named by appointments that we do not hold: the caller fetches them. */
  unknownContacts: GhlApplyResult['unknownContacts'];
}

/** Appointments applied per transaction. */
const CHUNK = 100;

/**
 * GHL drops a webhook for good on any answer but 429, so webhooks alone drift. This reads the
 * location's calendars (kept for staff writes and overlap rules), each calendar's events and
 * blocked time over the window, and applies them through the cita write module as facts; then
 * tombstones GHL-linked citas that GHL no longer lists. One appointment that will not apply is
 * reported and skipped, never the end of the run. Every GHL call spends the location's budget.
 */
export async function reconcileLocation(
  db: Db,
  ghl: GhlClient,
  locationId: string,
  window: ReconcileWindow,
  now = Date.now(),
): Promise<ReconcileReport> {
  const range = { startMs: now - window.backMs, endMs: now + window.aheadMs };
  const report: ReconcileReport = { created: 0, updated: 0, removed: 0, failed: [], unknownContacts: [] };
  const calendars = await ghl.listCalendars(locationId);
  await saveCalendars(
    db,
    calendars.map((c) => calendarMirror(locationId, c)),
  );
  for (const calendar of calendars) {
    const events = await ghl.listEvents(locationId, { calendarId: calendar.id, ...range });
    const appointments = events
      .filter((e) => !e.deleted)
      .flatMap((e) => appointmentFromRead(locationId, e) ?? []);
    for (let i = 0; i < appointments.length; i += CHUNK)
      await applyChunk(db, appointments.slice(i, i + CHUNK), report);

    const blocks = await ghl.listBlockedSlots(locationId, { calendarId: calendar.id, ...range });
    await saveBlockedSlots(
      db,
      locationId,
      calendar.id,
      { start: new Date(range.startMs), end: new Date(range.endMs) },
      blocks.flatMap((b) => blockMirror(b) ?? []),
    );
    report.removed += await tombstoneMissing(db, locationId, calendar.id, range, appointments);
  }
  return report;
}

/** A chunk in one transaction; if it fails, its appointments one by one, so only the bad one fails. */
async function applyChunk(db: Db, chunk: GhlAppointment[], report: ReconcileReport): Promise<void> {
  const count = (result: GhlApplyResult) => {
    for (const outcome of result.outcomes) {
      if (outcome === 'created') report.created++;
      if (outcome === 'updated') report.updated++;
    }
    report.unknownContacts.push(...result.unknownContacts);
  };
  try {
    count(await db.transaction((tx) => applyGhlAppointments(tx, chunk, 'reconcile')));
  } catch (error) {
    if (chunk.length === 1) {
      report.failed.push({ ghlAppointmentId: chunk[0]?.id ?? '', reason: describeError(error) });
      return;
    }
    for (const appointment of chunk) await applyChunk(db, [appointment], report);
  }
}

/** Citas linked to GHL in this calendar and window that GHL no longer lists were deleted there. */
async function tombstoneMissing(
  db: Db,
  locationId: string,
  calendarId: string,
  range: { startMs: number; endMs: number },
  listed: GhlAppointment[],
): Promise<number> {
  const present = listed.map((a) => a.id);
  const missing = await db
    .select()
    .from(citas)
    .where(
      and(
        eq(citas.locationId, locationId),
        eq(citas.calendarId, calendarId),
        isNotNull(citas.ghlAppointmentId),
        isNull(citas.deletedAt),
        // Only what GHL already knows: a cita still syncing may not be listed yet.
        eq(citas.syncStatus, 'synced'),
        gte(citas.startAt, new Date(range.startMs)),
        lt(citas.startAt, new Date(range.endMs)),
        present.length > 0 ? notInArray(citas.ghlAppointmentId, present) : sql`true`,
      ),
    );
  if (missing.length === 0) return 0;
  const outcomes = await db.transaction((tx) =>
    deleteGhlAppointments(
      tx,
      missing.map((c) => ({
        id: c.ghlAppointmentId ?? '',
        locationId,
        calendarId,
        startAt: c.startAt,
        endAt: c.endAt,
      })),
      'reconcile',
    ),
  );
  return outcomes.filter((o) => o === 'updated').length;
}
