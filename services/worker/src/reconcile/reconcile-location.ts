import { citas, type Db } from '@ghl-bridge/db';
import type { GhlCalendarEvent, GhlClient } from '@ghl-bridge/ghl';
import { and, eq, gte, isNotNull, isNull, lt, notInArray, sql } from 'drizzle-orm';
import { deleteAppointment, upsertAppointments } from '../webhooks/effects/appointment-effects.js';

export interface ReconcileWindow {
  /** How far back to look, in ms before now. */
  backMs: number;
  /** How far ahead to look, in ms after now. */
  aheadMs: number;
}

export interface DriftRepaired {
  created: number;
  updated: number;
  removed: number;
}

/**
 * GHL drops a webhook for good on any answer but 429, so webhooks alone drift. This pulls the
 * location's events per calendar over the window and applies them through the same effects as
 * webhooks (same ordering and tombstone rules), then tombstones GHL-linked citas that GHL no
 * longer has. Every GHL call spends the location's budget like any other.
 */
export async function reconcileLocation(
  db: Db,
  ghl: GhlClient,
  locationId: string,
  window: ReconcileWindow,
  now = Date.now(),
): Promise<DriftRepaired> {
  const range = { startMs: now - window.backMs, endMs: now + window.aheadMs };
  const drift: DriftRepaired = { created: 0, updated: 0, removed: 0 };
  const calendars = await ghl.listCalendars(locationId);
  for (const calendar of calendars) {
    const events = await ghl.listEvents(locationId, { calendarId: calendar.id, ...range });
    for (const event of events) {
      const change = await applyEvent(db, locationId, event);
      if (change) drift[change]++;
    }
    drift.removed += await tombstoneMissing(db, locationId, calendar.id, range, events);
  }
  return drift;
}

async function applyEvent(
  db: Db,
  locationId: string,
  event: GhlCalendarEvent,
): Promise<'created' | 'updated' | undefined> {
  return db.transaction(async (tx) => {
    const [held] = await tx.select().from(citas).where(eq(citas.ghlAppointmentId, event.id)).for('update');
    if (held && !differs(held, event)) return undefined;
    const payload = { locationId, appointment: { ...event, dateUpdated: event.dateUpdated ?? undefined } };
    const [result] = await upsertAppointments.applyAll(tx, [payload]);
    if (result === 'ignored') return undefined;
    return held ? 'updated' : 'created';
  });
}

function differs(held: typeof citas.$inferSelect, event: GhlCalendarEvent): boolean {
  return (
    held.deletedAt === null &&
    (held.startAt.getTime() !== Date.parse(event.startTime) ||
      held.endAt.getTime() !== Date.parse(event.endTime) ||
      held.calendarId !== event.calendarId ||
      (event.appointmentStatus != null && held.status !== event.appointmentStatus))
  );
}

/** Citas linked to GHL in this calendar and window that GHL no longer lists were deleted there. */
async function tombstoneMissing(
  db: Db,
  locationId: string,
  calendarId: string,
  range: { startMs: number; endMs: number },
  events: GhlCalendarEvent[],
): Promise<number> {
  const present = events.map((e) => e.id);
  const missing = await db
    .select({ ghlId: citas.ghlAppointmentId })
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
  let removed = 0;
  for (const { ghlId } of missing) {
    if (!ghlId) continue;
    const result = await db.transaction((tx) =>
      deleteAppointment(tx, {
        locationId,
        appointment: {
          id: ghlId,
          calendarId,
          startTime: new Date().toISOString(),
          endTime: new Date().toISOString(),
        },
      }),
    );
    if (result === 'processed') removed++;
  }
  return removed;
}
