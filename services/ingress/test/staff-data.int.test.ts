import { citaChanges, citas, createApiKey, ghlBlockedSlots, idempotencyKeys } from '@ghl-bridge/db';
import { test } from '@ghl-bridge/testing';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { CAL, citaBody, FOREIGN_CAL, LOC, OTHER_CAL, OTHER_LOC, startStaffApp } from './staff-helpers.js';

describe('RV3 ids, conflicts and the change feed through the staff API', () => {
  test('external_id is unique per location, also under concurrent creates, and findable', async ({
    database,
    config,
  }) => {
    const { app, auth, close } = await startStaffApp(database, config);
    try {
      const post = (hour: number) =>
        app.inject({
          method: 'POST',
          url: '/api/ghl/citas',
          headers: auth,
          payload: citaBody({
            external_id: 'rv3-cita-42',
            start: `2030-03-04T${String(hour).padStart(2, '0')}:00:00-05:00`,
            end: `2030-03-04T${String(hour).padStart(2, '0')}:30:00-05:00`,
          }),
        });
      const responses = await Promise.all([9, 10, 11, 12, 13, 14].map(post));
      const created = responses.filter((r) => r.statusCode === 202);
      expect(created).toHaveLength(1);
      const id = created[0]?.json().id;
      expect(created[0]?.json().external_id).toBe('rv3-cita-42');
      for (const r of responses.filter((r) => r.statusCode !== 202)) {
        expect(r.statusCode).toBe(409);
        expect(r.json()).toMatchObject({ error: 'duplicate_external_id', cita_id: id });
      }
      const found = await app.inject({ url: '/api/ghl/citas?external_id=rv3-cita-42', headers: auth });
      expect(found.json().results.map((c: { id: string }) => c.id)).toEqual([id]);
    } finally {
      await close();
    }
  });

  test('time blocked in GHL is refused with 409; a move onto another location calendar is a 422', async ({
    database,
    config,
  }) => {
    const { app, auth, close } = await startStaffApp(database, config);
    try {
      await database.db.insert(ghlBlockedSlots).values({
        id: 'block_1',
        locationId: LOC,
        calendarId: CAL,
        startAt: new Date('2030-03-04T14:00:00Z'),
        endAt: new Date('2030-03-04T15:00:00Z'),
      });
      const blocked = await app.inject({
        method: 'POST',
        url: '/api/ghl/citas',
        headers: auth,
        payload: citaBody(),
      });
      expect(blocked.statusCode).toBe(409);
      expect(blocked.json()).toMatchObject({ error: 'blocked_in_ghl' });
      const other = await app.inject({
        method: 'POST',
        url: '/api/ghl/citas',
        headers: auth,
        payload: citaBody({ calendar_id: OTHER_CAL }),
      });
      expect(other.statusCode).toBe(202);
      const move = await app.inject({
        method: 'PUT',
        url: `/api/ghl/citas/${other.json().id}`,
        headers: auth,
        payload: { calendar_id: FOREIGN_CAL },
      });
      expect(move.statusCode).toBe(422);
      expect(move.json()).toMatchObject({ error: 'unknown_calendar' });
      const settings = await app.inject({
        method: 'PUT',
        url: `/api/ghl/locations/${LOC}/settings`,
        headers: auth,
        payload: { default_calendar_id: FOREIGN_CAL },
      });
      expect(settings.statusCode).toBe(422);
    } finally {
      await close();
    }
  });

  test('an Idempotency-Key keeps its 409: the retry is answered the same and books nothing', async ({
    database,
    config,
  }) => {
    const { app, auth, close } = await startStaffApp(database, config);
    try {
      const first = await app.inject({
        method: 'POST',
        url: '/api/ghl/citas',
        headers: auth,
        payload: citaBody(),
      });
      expect(first.statusCode).toBe(202);
      const keyed = { ...auth, 'idempotency-key': 'retry-me' };
      const refused = await app.inject({
        method: 'POST',
        url: '/api/ghl/citas',
        headers: keyed,
        payload: citaBody(),
      });
      expect(refused.statusCode).toBe(409);
      // The slot frees up; a retry with the same key still gets the first answer.
      await app.inject({ method: 'POST', url: `/api/ghl/citas/${first.json().id}/cancel`, headers: auth });
      const retried = await app.inject({
        method: 'POST',
        url: '/api/ghl/citas',
        headers: keyed,
        payload: citaBody(),
      });
      expect(retried.statusCode).toBe(409);
      expect(retried.headers['idempotent-replayed']).toBe('true');
      expect(retried.json()).toEqual(refused.json());
      expect(await database.db.select().from(citas)).toHaveLength(1);
      expect(await database.db.select().from(idempotencyKeys)).toHaveLength(1);
    } finally {
      await close();
    }
  });

  test('the feed hands every change once, by cursor, only of the key locations; updated_since lists deletes', async ({
    database,
    config,
  }) => {
    const { app, auth, close } = await startStaffApp(database, config);
    try {
      // Another location's booking, first in the log: the key's feed must not show it.
      const other = await createApiKey(database.db, { name: 'other clinic', locationIds: [OTHER_LOC] });
      const foreign = await app.inject({
        method: 'POST',
        url: '/api/ghl/citas',
        headers: { authorization: `Bearer ${other.secret}` },
        payload: citaBody({ location_id: OTHER_LOC, calendar_id: FOREIGN_CAL }),
      });
      expect(foreign.statusCode).toBe(202);
      const created = await app.inject({
        method: 'POST',
        url: '/api/ghl/citas',
        headers: auth,
        payload: citaBody({ notes: 'ayunas' }),
      });
      const id = created.json().id;
      await app.inject({
        method: 'PUT',
        url: `/api/ghl/citas/${id}`,
        headers: auth,
        payload: { title: 'Control' },
      });
      await app.inject({ method: 'POST', url: `/api/ghl/citas/${id}/cancel`, headers: auth });

      const first = await app.inject({ url: '/api/ghl/changes?limit=2', headers: auth });
      expect(first.statusCode).toBe(200);
      const page1 = first.json();
      expect(page1.changes.map((c: { kind: string }) => c.kind)).toEqual(['cita.created', 'cita.updated']);
      expect(page1.changes.map((c: { cita: { id: string } }) => c.cita.id)).toEqual([id, id]);
      expect(page1.changes[0]).toMatchObject({
        origin: 'rv3',
        cita: { id, notes: 'ayunas', start: '2030-03-04T09:00:00-05:00' },
      });
      expect(page1.changes[1].changed).toEqual(['title']);
      const second = (
        await app.inject({ url: `/api/ghl/changes?after=${page1.next_cursor}`, headers: auth })
      ).json();
      expect(second.changes.map((c: { kind: string }) => c.kind)).toEqual(['cita.cancelled']);
      // Positions grow with every change of the cita, version or not (the other location's
      // booking holds position 1): what RV3 orders by.
      const positions = [...page1.changes, ...second.changes].map((c: { position: number }) => c.position);
      expect(positions).toEqual([2, 3, 4]);
      const empty = (
        await app.inject({ url: `/api/ghl/changes?after=${second.next_cursor}`, headers: auth })
      ).json();
      expect(empty).toEqual({ changes: [], next_cursor: second.next_cursor });
      const kinds = (
        await app.inject({ url: '/api/ghl/changes?kinds=cita.cancelled', headers: auth })
      ).json();
      expect(kinds.changes).toHaveLength(1);

      for (const after of ['nope', 'c1_999999', 'c1_-1']) {
        const bad = await app.inject({ url: `/api/ghl/changes?after=${after}`, headers: auth });
        expect(bad.statusCode).toBe(400);
        expect(bad.json()).toMatchObject({ error: expect.any(String) });
      }
      expect(
        (await app.inject({ url: '/api/ghl/changes?location_id=loc_staff_2', headers: auth })).statusCode,
      ).toBe(403);

      // A cita deleted in GHL leaves lists, but not updated_since with include_deleted.
      await database.db
        .update(citas)
        .set({ deletedAt: new Date(), updatedAt: new Date() })
        .where(eq(citas.id, id));
      const since = encodeURIComponent(new Date(Date.now() - 60_000).toISOString());
      const live = (await app.inject({ url: `/api/ghl/citas?updated_since=${since}`, headers: auth })).json();
      expect(live.results).toHaveLength(0);
      const withDeleted = (
        await app.inject({ url: `/api/ghl/citas?updated_since=${since}&include_deleted=true`, headers: auth })
      ).json();
      expect(
        withDeleted.results.map((c: { id: string; deleted_at: string | null }) => [
          c.id,
          c.deleted_at !== null,
        ]),
      ).toEqual([[id, true]]);
      expect(await database.db.select().from(citaChanges).where(eq(citaChanges.citaId, id))).toHaveLength(3);
    } finally {
      await close();
    }
  });
});
