import { ghlTokens } from '@ghl-bridge/db';
import { runGhlJob } from '@ghl-bridge/ghl';
import { contactFetchJobId, enqueue, enqueueReconcile } from '@ghl-bridge/jobs';
import { and, eq } from 'drizzle-orm';
import { reconcileLocation } from '../reconcile/reconcile-location.js';
import { pruneIdempotencyKeys, pruneWebhookEvents } from '../webhooks/prune-events.js';
import { type Processor, requireDep } from './types.js';

/**
 * One reconciliation per location with working tokens. A location whose run is still queued or
 * running is not queued twice (BullMQ deduplication, released when that run ends, failed or not).
 */
export const processReconcileAll: Processor<'reconcile.all'> = async ({ deps }) => {
  const installed = await deps.db
    .select({ locationId: ghlTokens.resourceId })
    .from(ghlTokens)
    .where(and(eq(ghlTokens.userType, 'Location'), eq(ghlTokens.status, 'active')));
  for (const { locationId } of installed) await enqueueReconcile(deps.queues, locationId);
  return { locations: installed.length };
};

export const processReconcileLocation: Processor<'reconcile.location'> = async ({
  payload,
  job,
  token,
  deps,
  log,
}) => {
  const schedules = requireDep(deps, 'schedules', 'reconciliation window');
  const ghl = requireDep(deps, 'ghl', 'GHL client');
  const window = { backMs: schedules.reconcileBackMs, aheadMs: schedules.reconcileAheadMs };
  const { unknownContacts, failed, ...drift } = await runGhlJob(job, token, () =>
    reconcileLocation(deps.db, ghl, payload.locationId, window),
  );
  for (const kind of ['created', 'updated', 'removed'] as const) {
    if (drift[kind] > 0)
      deps.metrics?.reconcile.driftRepaired.inc({ kind, location: payload.locationId }, drift[kind]);
  }
  if (failed.length > 0) {
    deps.metrics?.reconcile.driftRepaired.inc(
      { kind: 'failed', location: payload.locationId },
      failed.length,
    );
    log.warn({ locationId: payload.locationId, failed }, 'appointments GHL holds that could not be applied');
  }
  for (const { locationId, contactId } of unknownContacts)
    await enqueue(
      deps.queues,
      'ghl.contact-fetch',
      { locationId, contactId },
      { jobId: contactFetchJobId(contactId) },
    );
  log.info({ locationId: payload.locationId, ...drift, failed: failed.length }, 'reconciled with GHL');
  // The job's return value (Bull Board, `reconcile now`) names what could not be applied.
  return { ...drift, failed };
};

export const processRetentionPrune: Processor<'retention.prune'> = async ({ deps, log }) => {
  const { webhookRetentionDays } = requireDep(deps, 'schedules', 'retention');
  const webhookEvents = await pruneWebhookEvents(deps.db, webhookRetentionDays);
  const idempotencyKeys = await pruneIdempotencyKeys(deps.db);
  log.info({ webhookEvents, idempotencyKeys, webhookRetentionDays }, 'retention applied');
  return { webhookEvents, idempotencyKeys };
};

export const processGhlInstallLocation: Processor<'ghl.install-location'> = async ({
  payload,
  job,
  token,
  deps,
  log,
}) => {
  const tokens = requireDep(deps, 'ghlTokens', 'GHL token manager');
  const minted = await runGhlJob(job, token, () =>
    tokens.installFromCompany(payload.companyId, payload.locationId),
  );
  if (!minted)
    log.info(payload, 'install recorded; no company token held, so the location brings its own via OAuth');
  return { minted };
};
