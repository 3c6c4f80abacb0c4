import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { citas, webhookEvents } from '@ghl-bridge/db';
import { test } from '@ghl-bridge/testing';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { deliver } from './webhook-test-helpers.js';

const folder = fileURLToPath(new URL('../../../packages/testing/fixtures/ghl-webhooks/', import.meta.url));
const examples = readdirSync(folder)
  .filter((file) => file.endsWith('.json') && file !== 'SOURCES.json')
  .sort();

describe("GHL's published webhook examples are applied exactly as sent", () => {
  test('none fails; each leaves a row; the zero-length appointment is mirrored', async ({ database }) => {
    expect(examples.length).toBeGreaterThanOrEqual(13);
    let duplicates = 0;
    for (const file of examples) {
      const event = JSON.parse(readFileSync(`${folder}${file}`, 'utf8')) as Record<string, unknown>;
      const outcome = await deliver(database.db, event).catch((error: unknown) => `failed: ${String(error)}`);
      expect([file, outcome]).toEqual([file, expect.stringMatching(/^(processed|ignored|duplicate)$/)]);
      if (outcome === 'duplicate') duplicates++;
    }
    const rows = await database.db.select().from(webhookEvents);
    expect(rows.filter((r) => r.status === 'failed')).toEqual([]);
    expect(rows).toHaveLength(examples.length - duplicates);
    // GHL's own AppointmentCreate example: startTime = endTime. A fact, stored as is.
    const [zero] = await database.db
      .select()
      .from(citas)
      .where(eq(citas.ghlAppointmentId, '0007BWpSzSwfiuSl0tR2'));
    expect(zero).toBeDefined();
    expect(zero?.startAt.getTime()).toBe(zero?.endAt.getTime());
    expect(zero?.deletedAt).toBeNull();
  });

  test('any other GHL event type is recorded as ignored', async ({ database }) => {
    const outcome = await deliver(database.db, { type: 'OpportunityCreate', locationId: 'loc', id: 'opp_1' });
    expect(outcome).toBe('ignored');
  });

  test('a body holding NUL bytes is stored without them and applied, never lost', async ({ database }) => {
    const event = {
      type: 'ContactCreate',
      locationId: 'loc_nul',
      id: 'contact_nul_1',
      name: 'Ana\u0000 Quispe',
      email: 'ana@example.com',
      webhookId: 'nul-1',
    };
    expect(await deliver(database.db, event)).toBe('processed');
    const [row] = await database.db.select().from(webhookEvents).where(eq(webhookEvents.webhookId, 'nul-1'));
    expect(row).toMatchObject({
      status: 'processed',
      payload: expect.objectContaining({ name: 'Ana Quispe' }),
    });
  });
});
