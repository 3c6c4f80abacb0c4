import { citas, webhookEvents } from '@ghl-bridge/db';
import { appointmentEvent, contactEvent, test, webhookDelivery } from '@ghl-bridge/testing';
import { UnrecoverableError } from 'bullmq';
import { eq, inArray } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import {
  applyWebhookEvents,
  dedupKeysOf,
  type WebhookDelivery,
} from '../src/webhooks/apply-webhook-events.js';
import { entityKeysOf, webhookEffects } from '../src/webhooks/effects/index.js';
import { WebhookBatcher } from '../src/webhooks/webhook-batcher.js';
import { appointmentOf, citaFor, type Db, deliver, insertOurBooking, iso } from './webhook-test-helpers.js';

/** A batcher as a worker process runs one, writing to `db`. */
function batcherFor(db: Db, sizes: number[] = []) {
  return new WebhookBatcher({
    run: (deliveries) => applyWebhookEvents(db, deliveries, webhookEffects),
    keysOf: (d) => [...dedupKeysOf(d), ...entityKeysOf(d.event)],
    onBatch: (size) => sizes.push(size),
  });
}

describe('webhook events applied in batches', () => {
  test('one batch of every kind of appointment event ends as applying them one by one would', async ({
    database,
  }) => {
    const { db } = database;
    // Already held: a synced cita from GHL (with a 10-minute buffer), a tombstone, a contact,
    // an event delivered before, and our own booking still being sent to GHL.
    const linked = appointmentEvent({ appointment: { dateUpdated: iso(-60_000) } });
    await deliver(db, linked);
    const held = appointmentOf(linked);
    const heldCita = await citaFor(db, held.id ?? '');
    await db
      .update(citas)
      .set({ blockedUntil: new Date(Date.parse(held.endTime ?? '') + 10 * 60_000) })
      .where(eq(citas.ghlAppointmentId, held.id ?? ''));
    const deleted = appointmentEvent({ type: 'AppointmentDelete' });
    await deliver(db, deleted);
    const contact = contactEvent('ContactCreate', { name: 'Rosa Huamán' });
    await deliver(db, contact);
    const seenBefore = appointmentEvent();
    await deliver(db, seenBefore);
    const echo = appointmentEvent({ appointment: { title: 'From GHL' } });
    const e = appointmentOf(echo);
    const ours = await insertOurBooking(db, e, 'pending');

    const moved = appointmentEvent({
      type: 'AppointmentUpdate',
      appointment: {
        ...held,
        title: 'Moved',
        startTime: iso(400 * 3600_000),
        endTime: iso(400 * 3600_000 + 45 * 60_000),
        dateUpdated: iso(0),
      },
    });
    const lateCreate = appointmentEvent({ appointment: { ...appointmentOf(deleted) } });
    const named = appointmentEvent({ appointment: { contactId: contact.id, title: null } });
    const twice = appointmentEvent();
    const batch = [
      webhookDelivery(moved),
      webhookDelivery(echo),
      webhookDelivery(lateCreate),
      webhookDelivery(named),
      webhookDelivery({ type: 'OpportunityCreate', locationId: 'loc_test_1', webhookId: 'opp-1' }),
      webhookDelivery(seenBefore),
      webhookDelivery(twice),
      webhookDelivery(twice),
    ];
    expect(await applyWebhookEvents(db, batch, webhookEffects)).toEqual([
      'processed',
      'processed',
      'ignored',
      'processed',
      'ignored',
      'duplicate',
      'processed',
      'duplicate',
    ]);

    const movedCita = await citaFor(db, held.id ?? '');
    expect(movedCita).toMatchObject({ id: heldCita?.id, title: 'Moved', version: 2, syncStatus: 'synced' });
    expect(movedCita?.startAt.toISOString()).toBe(appointmentOf(moved).startTime);
    // The buffer booked with moves along with the end.
    expect(movedCita?.blockedUntil.getTime()).toBe(Date.parse(appointmentOf(moved).endTime ?? '') + 600_000);
    // Our booking learns its GHL id and keeps the staff's title: cita.sync will push it.
    expect(await citaFor(db, e.id ?? '')).toMatchObject({ id: ours?.id, title: 'Primera consulta' });
    expect((await citaFor(db, appointmentOf(deleted).id ?? ''))?.deletedAt).toBeInstanceOf(Date);
    expect(await citaFor(db, appointmentOf(named).id ?? '')).toMatchObject({
      patientName: 'Rosa Huamán',
      patientEmail: 'ana.quispe@example.com',
      source: 'ghl',
    });
    expect(
      await db
        .select()
        .from(citas)
        .where(eq(citas.ghlAppointmentId, appointmentOf(twice).id ?? '')),
    ).toHaveLength(1);
    const rows = await db
      .select({ status: webhookEvents.status, attempts: webhookEvents.attempts })
      .from(webhookEvents)
      .where(
        inArray(
          webhookEvents.payloadHash,
          batch.map((d) => d.payloadHash),
        ),
      );
    expect(rows.map((r) => r.status).sort()).toEqual([
      'ignored',
      'ignored',
      'processed',
      'processed',
      'processed',
      'processed',
      'processed',
    ]);
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
  });

  test('an event that cannot apply fails alone: the rest of its batch is applied', async ({ database }) => {
    const { db } = database;
    // A time GHL would never send: the event cannot parse, and fails for good.
    const clash = appointmentEvent({ appointment: { startTime: 'half past nine' } });
    const others = Array.from({ length: 5 }, () => appointmentEvent());
    const sizes: number[] = [];
    const batcher = batcherFor(db, sizes);
    const results = await Promise.allSettled(
      [...others.slice(0, 2), clash, ...others.slice(2)].map((event) =>
        batcher.apply(webhookDelivery(event)),
      ),
    );
    expect(sizes[0]).toBe(6);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual([
      'processed',
      'processed',
      'failed',
      'processed',
      'processed',
      'processed',
    ]);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(UnrecoverableError);
    for (const event of others) expect(await citaFor(db, appointmentOf(event).id ?? '')).toBeDefined();
    expect(await citaFor(db, 'appt_clash_batch')).toBeUndefined();
  });

  test('two workers batching overlapping deliveries apply every event exactly once', async ({ database }) => {
    const { db } = database;
    const events = Array.from({ length: 60 }, () => appointmentEvent());
    const deliveries = events.map(webhookDelivery);
    const shuffled = (list: WebhookDelivery[]) => [...list].sort(() => Math.random() - 0.5);
    // Each worker gets every event, some twice, in its own order: as GHL's retries and a
    // second ingress would hand them out.
    const workers = [batcherFor(db), batcherFor(db)];
    const outcomes = await Promise.all(
      workers.flatMap((worker) =>
        shuffled([...deliveries, ...deliveries.slice(0, 20)]).map((d) => worker.apply(d)),
      ),
    );
    expect(outcomes.filter((o) => o === 'processed')).toHaveLength(60);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(outcomes.length - 60);
    const made = await db
      .select({ id: citas.id })
      .from(citas)
      .where(
        inArray(
          citas.ghlAppointmentId,
          events.map((e) => appointmentOf(e).id ?? ''),
        ),
      );
    expect(made).toHaveLength(60);
    const rows = await db
      .select({ id: webhookEvents.id })
      .from(webhookEvents)
      .where(
        inArray(
          webhookEvents.payloadHash,
          deliveries.map((d) => d.payloadHash),
        ),
      );
    expect(rows).toHaveLength(60);
  });
});
