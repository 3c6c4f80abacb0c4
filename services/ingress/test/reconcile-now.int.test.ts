import { citas } from '@ghl-bridge/db';
import { test } from '@ghl-bridge/testing';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { runOpsCommand } from '../src/cli/ops-commands.js';
import { startFullStack } from './full-stack.js';
import { closedPort } from './test-app.js';

describe('reconciliation always finishes and always runs again', () => {
  test('one appointment that will not apply is reported and skipped; the next run goes ahead', async ({
    config,
    database,
    redis,
  }) => {
    const s = await startFullStack({ config, database, redis });
    try {
      // GHL's webhooks get lost (nothing listens there): only reconciliation can learn of these.
      await s.sandbox.admin.setWebhook({ url: `http://127.0.0.1:${await closedPort()}/` });
      const { contacts } = await s.sandbox.admin.seed({
        contacts: [{ locationId: s.location.locationId, firstName: 'Luis', email: 'luis@example.com' }],
      });
      const base = Date.now() + 3 * 86_400_000;
      const titles = ['Primera', 'Veneno', 'Tercera'];
      const made = [];
      for (const [i, title] of titles.entries())
        made.push(
          await s.sandbox.admin.uiCreateAppointment({
            calendarId: s.location.calendarId,
            contactId: contacts[0] ?? '',
            startTime: new Date(base + i * 3600_000).toISOString(),
            endTime: new Date(base + i * 3600_000 + 1800_000).toISOString(),
            title,
          }),
        );
      // The database refuses this one appointment, whatever the reason might be in real life.
      await s.db.execute(`
        create function refuse_poison() returns trigger language plpgsql as $$
        begin
          if new.title = 'Veneno' then raise exception 'this appointment cannot be stored'; end if;
          return new;
        end $$;
        create trigger refuse_poison before insert on citas for each row execute function refuse_poison();`);
      const out: string[] = [];
      const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
      const deps = { db: s.db, queues: s.queues };
      expect(await runOpsCommand('reconcile', ['now', '--location', s.location.locationId], deps, io)).toBe(
        0,
      );
      expect(out.join('')).toContain('created 2, updated 0, removed 0, failed 1');
      expect(out.join('')).toContain(`not applied: GHL appointment ${made[1]?.id}`);
      expect(out.join('')).toContain('cannot be stored');

      // The failed appointment blocks nothing: fixed, the very next run applies it.
      await s.db.execute('drop trigger refuse_poison on citas');
      out.length = 0;
      expect(await runOpsCommand('reconcile', ['now', '--location', s.location.locationId], deps, io)).toBe(
        0,
      );
      expect(out.join('')).toContain('created 1, updated 0, removed 0, failed 0');
      const [poisoned] = await s.db
        .select()
        .from(citas)
        .where(eq(citas.ghlAppointmentId, made[1]?.id ?? ''));
      expect(poisoned?.title).toBe('Veneno');

      // A location nothing is installed for: told, and no run queued to fail.
      out.length = 0;
      const before = await s.queues.maintenance.getJobCounts('waiting', 'failed');
      expect(await runOpsCommand('reconcile', ['now', '--location', 'nowhere'], deps, io)).toBe(1);
      expect(out.join('')).toContain('nowhere: no active install');
      expect(await s.queues.maintenance.getJobCounts('waiting', 'failed')).toEqual(before);
    } finally {
      await s.close();
    }
  });
});
