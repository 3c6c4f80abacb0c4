import { citaChanges, citas } from '@ghl-bridge/db';
import { test } from '@ghl-bridge/testing';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { startFullStack } from './full-stack.js';

type Stack = Awaited<ReturnType<typeof startFullStack>>;

// A week from now, inside the reconciliation window (1 day back, 60 ahead), at `hh:mm` in Lima.
const day = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
const lima = (hhmm: string) => `${day}T${hhmm}:00-05:00`;

async function bookAndSync(s: Stack, body: Record<string, unknown>) {
  const created = await s.api('POST', '/api/ghl/citas', {
    location_id: s.location.locationId,
    calendar_id: s.location.calendarId,
    patient: { name: 'Ana Quispe', phone: '+51987654321', email: 'ana@example.com' },
    ...body,
  });
  expect(created.statusCode).toBe(202);
  const id: string = created.json().id;
  await expect
    .poll(async () => (await s.api('GET', `/api/ghl/citas/${id}`)).json().sync_status, { timeout: 10_000 })
    .toBe('synced');
  return id;
}

const ghlAppointment = async (s: Stack, ghlId: string) =>
  (await s.sandbox.admin.appointments()).find((a) => a.id === ghlId);

describe('both sides end up holding the same appointment', () => {
  test('notes round trip: staff notes survive create, echo, move and reconciliation; GHL edits reach the cita', async ({
    config,
    database,
    redis,
  }) => {
    const s = await startFullStack({ config, database, redis });
    try {
      const id = await bookAndSync(s, { start: lima('09:00'), end: lima('09:30'), notes: 'En ayunas 8 h' });
      const ghlId = (await s.api('GET', `/api/ghl/citas/${id}`)).json().ghl_appointment_id;
      expect((await ghlAppointment(s, ghlId))?.description).toBe('En ayunas 8 h');
      // The echo (AppointmentCreate, which carries `notes` and no `description`) changes nothing.
      await s.webhooksApplied();
      expect((await s.api('GET', `/api/ghl/citas/${id}`)).json().notes).toBe('En ayunas 8 h');

      const moved = await s.api('PUT', `/api/ghl/citas/${id}`, { start: lima('10:00') });
      expect(moved.statusCode).toBe(202);
      await expect
        .poll(async () => (await s.api('GET', `/api/ghl/citas/${id}`)).json().sync_status, {
          timeout: 10_000,
        })
        .toBe('synced');
      await s.webhooksApplied();
      expect(await s.reconcile()).toMatchObject({ failed: [] });
      let cita = (await s.api('GET', `/api/ghl/citas/${id}`)).json();
      expect(cita).toMatchObject({ notes: 'En ayunas 8 h', start: lima('10:00') });
      expect((await ghlAppointment(s, ghlId))?.description).toBe('En ayunas 8 h');

      // Edited in GHL: its own notes field comes with the webhook, the description with reconciliation.
      await s.sandbox.admin.uiUpdateAppointment(ghlId, {
        notes: 'Confirmó por teléfono',
        description: 'Traer análisis',
      });
      await s.webhooksApplied();
      await expect
        .poll(async () => (await s.api('GET', `/api/ghl/citas/${id}`)).json().ghl_notes, { timeout: 10_000 })
        .toBe('Confirmó por teléfono');
      expect(await s.reconcile()).toMatchObject({ updated: 1, failed: [] });
      cita = (await s.api('GET', `/api/ghl/citas/${id}`)).json();
      expect(cita).toMatchObject({
        notes: 'Traer análisis',
        ghl_notes: 'Confirmó por teléfono',
        sync_status: 'synced',
      });
      // RV3 heard it: the one change reconciliation made names the notes alone.
      const changes = await s.db.select().from(citaChanges).where(eq(citaChanges.citaId, id));
      expect(changes.filter((c) => c.origin === 'reconcile')).toEqual([
        expect.objectContaining({ kind: 'cita.updated', changed: ['notes'] }),
      ]);
    } finally {
      await s.close();
    }
  });

  test('a booking made in GHL over a cita is mirrored as a conflict, and its unseen contact is fetched', async ({
    config,
    database,
    redis,
  }) => {
    const s = await startFullStack({ config, database, redis });
    try {
      const ours = await bookAndSync(s, { start: lima('11:00'), end: lima('11:30') });
      const { contacts } = await s.sandbox.admin.seed({
        contacts: [
          {
            locationId: s.location.locationId,
            firstName: 'Rosa',
            lastName: 'Huamán',
            email: 'rosa@example.com',
            phone: '+51922222222',
          },
        ],
      });
      const made = await s.sandbox.admin.uiCreateAppointment({
        calendarId: s.location.calendarId,
        contactId: contacts[0] ?? '',
        startTime: new Date(Date.parse(lima('11:15'))).toISOString(),
        endTime: new Date(Date.parse(lima('11:45'))).toISOString(),
        title: 'Reservó por WhatsApp',
      });
      await s.webhooksApplied();
      const theirs = async () =>
        (await s.db.select().from(citas).where(eq(citas.ghlAppointmentId, made.id)))[0];
      await expect.poll(async () => (await theirs())?.patientName, { timeout: 10_000 }).toBe('Rosa Huamán');
      expect(await theirs()).toMatchObject({
        patientEmail: 'rosa@example.com',
        patientPhone: '+51922222222',
        source: 'ghl',
      });
      const mine = (await s.api('GET', `/api/ghl/citas/${ours}`)).json();
      expect(mine.conflict).toEqual({ with: [(await theirs())?.id] });
      const listed = (
        await s.api('GET', `/api/ghl/citas?conflict=true&location_id=${s.location.locationId}`)
      ).json();
      expect(listed.results).toHaveLength(2);
      const feed = (await s.api('GET', '/api/ghl/changes?kinds=cita.conflict')).json();
      expect(feed.changes.map((c: { cita: { id: string } }) => c.cita.id)).toContain(ours);
    } finally {
      await s.close();
    }
  });

  test('free slots offer only what books: every offered slot books, a GHL block is neither offered nor bookable', async ({
    config,
    database,
    redis,
  }) => {
    const s = await startFullStack({ config, database, redis });
    try {
      await bookAndSync(s, { start: lima('12:00'), end: lima('12:30') });
      await s.sandbox.admin.uiCreateBlockedSlot({
        calendarId: s.location.calendarId,
        startTime: new Date(Date.parse(lima('13:00'))).toISOString(),
        endTime: new Date(Date.parse(lima('14:00'))).toISOString(),
      });
      const start = Date.parse(lima('11:00'));
      const end = Date.parse(lima('15:00'));
      const answer = await s.api(
        'GET',
        `/api/ghl/calendars/${s.location.calendarId}/free-slots?location_id=${s.location.locationId}&start=${start}&end=${end}`,
      );
      expect(answer.statusCode).toBe(200);
      const offered: string[] = Object.values(answer.json().slots as Record<string, string[]>).flat();
      const times = offered.map((slot) => new Date(slot).toISOString());
      expect(times).not.toContain(new Date(Date.parse(lima('12:00'))).toISOString());
      expect(times).not.toContain(new Date(Date.parse(lima('13:00'))).toISOString());
      expect(offered.length).toBeGreaterThan(0);
      for (const slot of offered) {
        const booked = await s.api('POST', '/api/ghl/citas', {
          location_id: s.location.locationId,
          calendar_id: s.location.calendarId,
          patient: { name: 'Prueba', phone: '+51900000000' },
          start: slot,
        });
        expect(booked.statusCode, `slot ${slot}`).toBe(202);
        // Freed again, so each offered slot is tried against the same calendar.
        await s.api('POST', `/api/ghl/citas/${booked.json().id}/cancel`);
      }
      const onBlock = await s.api('POST', '/api/ghl/citas', {
        location_id: s.location.locationId,
        calendar_id: s.location.calendarId,
        patient: { name: 'Prueba', phone: '+51900000000' },
        start: lima('13:00'),
      });
      expect(onBlock.statusCode).toBe(409);
      expect(onBlock.json()).toMatchObject({ error: 'blocked_in_ghl' });
    } finally {
      await s.close();
    }
  });
});
