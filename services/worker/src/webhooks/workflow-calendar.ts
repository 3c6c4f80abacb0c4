import { kindOfType } from '@ghl-bridge/citas';
import { calendarLocation, saveCalendars } from '@ghl-bridge/db';
import { isGhlRefusal } from '@ghl-bridge/jobs';
import { refusalAsAnswer } from '../ghl-reads/refusal-as-answer.js';
import type { WorkerDeps } from '../processors/types.js';
import { calendarMirror } from '../reconcile/from-ghl.js';
import type { SourceVerdict } from './check-webhook-source.js';

/**
 * A workflow secret speaks for one location, and an appointment it sends must be on one of
 * that location's calendars. citas_no_overlap guards a calendar whatever the location, so a
 * cita placed on another location's calendar would make that location's own bookings and
 * GHL's webhooks for that time fail. Known from the mirrored calendars (a calendar mirrored as
 * another location's is refused at once); one not seen yet is looked up in GHL once (the
 * location's list, which is then mirrored too).
 */
export async function checkWorkflowCalendar(
  deps: WorkerDeps,
  event: Record<string, unknown>,
): Promise<SourceVerdict> {
  const kind = kindOfType(event.type);
  if (kind !== 'appointment.upsert' && kind !== 'appointment.delete') return { ok: true };
  const calendarId = (event.appointment as Record<string, unknown> | undefined)?.calendarId;
  const { locationId } = event;
  // Not text: the event's shape check refuses it for good, later.
  if (typeof calendarId !== 'string' || typeof locationId !== 'string') return { ok: true };
  const known = await calendarLocation(deps.db, calendarId);
  if (known) return known === locationId ? { ok: true } : refused;
  const calendars = await refusalAsAnswer(() => deps.ghl.listCalendars(locationId));
  if (isGhlRefusal(calendars)) return refused;
  await saveCalendars(
    deps.db,
    calendars.map((c) => calendarMirror(locationId, c)),
  );
  return calendars.some((c) => c.id === calendarId) ? { ok: true } : refused;
}

const refused: SourceVerdict = {
  ok: false,
  reason: "a workflow webhook's appointment must be on a calendar of its location",
};
