import { applyGhlAppointments, deleteGhlAppointments, type GhlOutcome } from '@ghl-bridge/citas';
import { contactFetchJobId } from '@ghl-bridge/jobs';
import type { BatchEffect, EffectContext, EffectStatus, EventOf } from '../webhook-effect.js';

const statusOf = (outcome: GhlOutcome): EffectStatus => (outcome === 'ignored' ? 'ignored' : 'processed');

/** The records an appointment event may change: its GHL id, and the slot an echo is matched by. */
export function appointmentKeys(event: Record<string, unknown>): string[] {
  const a = (event.appointment ?? {}) as Record<string, unknown>;
  // Instants, not strings: `…Z` and `…+00:00` are one slot.
  const slot = [
    event.locationId,
    a.calendarId,
    Date.parse(String(a.startTime)),
    Date.parse(String(a.endTime)),
  ];
  return [`appointment:${String(a.id)}`, `slot:${slot.join('|')}`];
}

/**
 * Create and Update are the same question: make the cita match GHL (the cita write module
 * decides what wins). A contact we do not hold yet is fetched from GHL after commit, so the
 * cita gets the patient's name, phone and email.
 */
export const upsertAppointments: BatchEffect<EventOf<'appointment.upsert'>> = {
  async applyAll(context, events) {
    const { outcomes, unknownContacts } = await applyGhlAppointments(
      context.tx,
      events.map((e) => e.appointment),
      'ghl',
    );
    await fetchContacts(
      context,
      unknownContacts.map((c) => ({ ...c, requestId: events[c.index]?.requestId })),
    );
    return outcomes.map(statusOf);
  },
};

/** A delete leaves a tombstone, so a late Create or Update for the same id cannot bring it back. */
export const deleteAppointments: BatchEffect<EventOf<'appointment.delete'>> = {
  async applyAll(context, events) {
    const outcomes = await deleteGhlAppointments(
      context.tx,
      events.map((e) => e.deletion),
      'ghl',
    );
    return outcomes.map(statusOf);
  },
};

async function fetchContacts(
  context: EffectContext,
  contacts: ReadonlyArray<{ locationId: string; contactId: string; requestId?: string | undefined }>,
): Promise<void> {
  await context.promise(
    ...contacts.map(({ locationId, contactId, requestId }) => ({
      jobName: 'ghl.contact-fetch',
      jobId: contactFetchJobId(contactId),
      payload: { locationId, contactId, requestId },
    })),
  );
}
