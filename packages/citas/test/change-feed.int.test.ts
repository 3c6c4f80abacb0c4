import { setTimeout as sleep } from 'node:timers/promises';
import { citaChanges, createDatabase, lockCita } from '@ghl-bridge/db';
import { test } from '@ghl-bridge/testing';
import { asc, gt, sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import {
  changeStaffCita,
  createStaffCita,
  feedStart,
  pruneChanges,
  readChanges,
  sequenceChanges,
} from '../src/index.js';
import { at, staffValues, uniqueCalendar } from './citas-fixtures.js';

describe('the change feed', () => {
  test('under 20 writers committing out of sequence order, a reader with its cursor gets every change once, in order per cita', async ({
    database,
  }) => {
    // One connection per writer, plus the readers.
    const pool = createDatabase({ url: database.url, poolSize: 30 });
    const { db } = pool;
    try {
      const calendarId = uniqueCalendar();
      const slot = (hour: number) => ({
        startAt: at(`2030-04-01T${String(hour).padStart(2, '0')}:00:00Z`),
        endAt: at(`2030-04-01T${String(hour).padStart(2, '0')}:30:00Z`),
        blockedUntil: at(`2030-04-01T${String(hour).padStart(2, '0')}:30:00Z`),
      });
      const shared = await Promise.all(
        [0, 1].map((i) => db.transaction((tx) => createStaffCita(tx, staffValues(calendarId, slot(i))))),
      );

      let writing = true;
      // 12 writers draw their change's seq early and commit late, the earliest last; 8 more
      // take turns on two citas (their row lock orders them).
      const creators = Array.from({ length: 12 }, (_, i) =>
        db.transaction(async (tx) => {
          await createStaffCita(tx, staffValues(calendarId, slot(2 + i)));
          await tx.execute(sql`select pg_sleep(${(12 - i) * 0.04})`);
        }),
      );
      const editors = Array.from({ length: 8 }, (_, i) =>
        db.transaction(async (tx) => {
          const current = await lockCita(tx, shared[i % 2]?.id ?? '');
          if (!current) throw new Error('cita gone');
          await changeStaffCita(tx, current, { title: `edit ${i}` });
          await tx.execute(sql`select pg_sleep(${Math.random() * 0.05})`);
        }),
      );
      const writers = Promise.all([...creators, ...editors]).finally(() => {
        writing = false;
      });

      // The feed's reader: small pages, its cursor only.
      const fromFeed: Array<{ seq: number; citaId: string; version: number }> = [];
      // A reader that trusts the sequence alone, to show the race really happens.
      const naive: number[] = [];
      let cursor = 0;
      let lastSeq = 0;
      for (;;) {
        const done = !writing;
        await sequenceChanges(db, { wait: false });
        const page = await readChanges(db, { after: cursor, limit: 5, locationIds: ['loc_citas'] });
        fromFeed.push(...page.changes.map((c) => ({ seq: c.seq, citaId: c.citaId, version: c.version })));
        cursor = page.nextPosition;
        const seen = await db
          .select({ seq: citaChanges.seq })
          .from(citaChanges)
          .where(gt(citaChanges.seq, lastSeq))
          .orderBy(asc(citaChanges.seq));
        naive.push(...seen.map((r) => r.seq));
        lastSeq = seen.at(-1)?.seq ?? lastSeq;
        if (done && page.changes.length === 0) break;
        await sleep(5);
      }
      await writers;

      const all = await db.select().from(citaChanges).orderBy(asc(citaChanges.seq));
      expect(all).toHaveLength(22);
      // Every committed change exactly once.
      expect(fromFeed.map((c) => c.seq).sort((a, b) => a - b)).toEqual(all.map((c) => c.seq));
      // In order per cita: each cita's versions only grow along the feed.
      for (const { id } of shared) {
        const versions = fromFeed.filter((c) => c.citaId === id).map((c) => c.version);
        expect(versions).toEqual([...versions].sort((a, b) => a - b));
        expect(versions).toHaveLength(5);
      }
      // The race the feed is built for did happen: trusting the sequence skipped changes.
      expect(naive.length).toBeLessThan(all.length);
    } finally {
      await pool.close();
    }
  });
});

describe('change retention', () => {
  test('the oldest changes go up to the first one that must stay; an older cursor reads as expired', async ({
    database,
  }) => {
    const { db } = database;
    // This file's database: start the log over (the test above has finished with it).
    await db.execute(sql`truncate cita_changes`);
    await db.execute(sql`update feed_head set position = 0`);
    const calendarId = uniqueCalendar();
    const hours = [8, 9, 10, 11];
    for (const hour of hours)
      await db.transaction((tx) =>
        createStaffCita(
          tx,
          staffValues(calendarId, {
            startAt: at(`2030-05-01T${String(hour).padStart(2, '0')}:00:00Z`),
            endAt: at(`2030-05-01T${String(hour).padStart(2, '0')}:30:00Z`),
            blockedUntil: at(`2030-05-01T${String(hour).padStart(2, '0')}:30:00Z`),
          }),
        ),
      );
    await sequenceChanges(db);
    const all = await db.select().from(citaChanges).orderBy(asc(citaChanges.position));
    const base = (all[0]?.position ?? 1) - 1;
    // The first three are old; RV3's endpoints have heard all but the last of them.
    await db.execute(
      sql`update cita_changes set at = now() - interval '40 days' where position <= ${base + 3}`,
    );
    await db.execute(sql`update notification_cursor set position = ${base + 2}`);
    expect(await pruneChanges(db, new Date(Date.now() - 30 * 86_400_000))).toBe(2);

    const expired = await readChanges(db, { after: base, limit: 10, locationIds: ['loc_citas'] });
    expect(expired).toMatchObject({ expired: true, changes: [], nextPosition: base + 2 });
    const kept = await readChanges(db, { after: base + 2, limit: 10, locationIds: ['loc_citas'] });
    expect(kept.expired).toBe(false);
    expect(kept.changes.map((c) => c.position)).toEqual([base + 3, base + 4]);
    expect(await feedStart(db)).toBe(base + 2);
  });
});
