// Helpers shared by the webhook effect and batch tests.
import { citas } from '@ghl-bridge/db';
import { webhookDelivery } from '@ghl-bridge/testing';
import { eq } from 'drizzle-orm';
import { applyWebhookEvent } from '../src/webhooks/apply-webhook-events.js';
import { webhookEffects } from '../src/webhooks/effects/index.js';

export type Db = Parameters<typeof applyWebhookEvent>[0];

/** Applies one webhook event as the worker does, alone. */
export const deliver = (db: Db, event: Record<string, unknown>) =>
  applyWebhookEvent(db, webhookDelivery(event), webhookEffects);

export const iso = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString();

export const appointmentOf = (event: Record<string, unknown>) => event.appointment as Record<string, string>;

export const citaFor = async (db: Db, ghlId: string) =>
  (await db.select().from(citas).where(eq(citas.ghlAppointmentId, ghlId)))[0];

/** A cita staff booked through our API in the slot of `appointment`: what its echo must land on. */
export async function insertOurBooking(
  db: Db,
  appointment: Record<string, string>,
  syncStatus: 'pending' | 'syncing',
) {
  const [ours] = await db
    .insert(citas)
    .values({
      locationId: 'loc_test_1',
      calendarId: appointment.calendarId ?? '',
      patientName: 'Ana Quispe',
      title: 'Primera consulta',
      startAt: new Date(appointment.startTime ?? ''),
      endAt: new Date(appointment.endTime ?? ''),
      blockedUntil: new Date(appointment.endTime ?? ''),
      assignedUserId: appointment.assignedUserId ?? null,
      source: 'rv3',
      syncStatus,
    })
    .returning();
  if (!ours) throw new Error('booking not inserted');
  return ours;
}
