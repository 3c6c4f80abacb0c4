import { setTimeout as sleep } from 'node:timers/promises';
import { type Db, ghlTokens } from '@ghl-bridge/db';
import { enqueueReconcile, type Queues } from '@ghl-bridge/jobs';
import { and, eq } from 'drizzle-orm';
import type { CliOutput } from './keys-command.js';

interface Report {
  created: number;
  updated: number;
  removed: number;
  failed: Array<{ ghlAppointmentId: string; reason: string }>;
}

/**
 * `reconcile now [--location id]`: queues each location's reconciliation (or finds the run
 * already queued or running), waits for it and prints what it really did: drift repaired, and
 * each appointment GHL holds that could not be applied. Exit code 1 when a run failed.
 */
export async function reconcileNow(
  deps: { db: Db; queues: Queues },
  location: string | undefined,
  io: CliOutput,
  waitMs = 120_000,
): Promise<number> {
  const installed = await installedLocations(deps.db);
  // A location with no install has nothing to read GHL with: say so, and queue nothing.
  if (location !== undefined && !installed.includes(location)) {
    io.err(`${location}: no active install (see ghl-bridge tokens status); nothing queued\n`);
    return 1;
  }
  const locations = location ? [location] : installed;
  if (locations.length === 0) {
    io.out('no installed location to reconcile\n');
    return 0;
  }
  const runs = await Promise.all(locations.map((id) => enqueueReconcile(deps.queues, id)));
  let failed = false;
  for (const [i, queued] of runs.entries()) {
    const id = locations[i];
    const deadline = Date.now() + waitMs;
    for (;;) {
      const job = queued.id ? await deps.queues.maintenance.getJob(queued.id) : undefined;
      const state = job ? await job.getState() : 'unknown';
      if (job && state === 'completed') {
        const r = job.returnvalue as Report;
        io.out(
          `${id}: created ${r.created}, updated ${r.updated}, removed ${r.removed}, failed ${r.failed.length}\n`,
        );
        for (const f of r.failed)
          io.out(`  not applied: GHL appointment ${f.ghlAppointmentId}: ${f.reason}\n`);
        break;
      }
      if (job && state === 'failed') {
        io.err(`${id}: reconciliation failed: ${job.failedReason}\n`);
        failed = true;
        break;
      }
      if (!job || Date.now() > deadline) {
        io.out(`${id}: still ${state} (job ${queued.id}); see Bull Board for its result\n`);
        break;
      }
      await sleep(250);
    }
  }
  return failed ? 1 : 0;
}

async function installedLocations(db: Db): Promise<string[]> {
  const rows = await db
    .select({ id: ghlTokens.resourceId })
    .from(ghlTokens)
    .where(and(eq(ghlTokens.userType, 'Location'), eq(ghlTokens.status, 'active')));
  return rows.map((r) => r.id);
}
