import { pruneChanges } from '@ghl-bridge/citas';
import { ghlTokens } from '@ghl-bridge/db';
import { GhlTransientError } from '@ghl-bridge/ghl';
import { contactFetchJobId, enqueue, enqueueReconcile, installJobId } from '@ghl-bridge/jobs';
import { UnrecoverableError } from 'bullmq';
import { and, eq } from 'drizzle-orm';
import { reconcileLocation } from '../reconcile/reconcile-location.js';
import {
  pruneFinishedDeliveries,
  pruneIdempotencyKeys,
  pruneWebhookEvents,
} from '../webhooks/prune-events.js';
import type { Processor } from './types.js';

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

export const processReconcileLocation: Processor<'reconcile.location'> = async ({ payload, deps, log }) => {
  const { schedules } = deps;
  const window = { backMs: schedules.reconcileBackMs, aheadMs: schedules.reconcileAheadMs };
  const { unknownContacts, failed, ...drift } = await reconcileLocation(
    deps.db,
    deps.ghl,
    payload.locationId,
    window,
  );
  for (const kind of ['created', 'updated', 'removed'] as const) {
    if (drift[kind] > 0)
      deps.metrics.reconcile.driftRepaired.inc({ kind, location: payload.locationId }, drift[kind]);
  }
  if (failed.length > 0) {
    deps.metrics.reconcile.driftRepaired.inc({ kind: 'failed', location: payload.locationId }, failed.length);
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
  const { webhookRetentionDays, changesRetentionDays } = deps.schedules;
  const webhookEvents = await pruneWebhookEvents(deps.db, webhookRetentionDays);
  const idempotencyKeys = await pruneIdempotencyKeys(deps.db);
  const cutoff = new Date(Date.now() - changesRetentionDays * 86_400_000);
  // Finished deliveries first: the changes they point at may then go too.
  const deliveries = await pruneFinishedDeliveries(deps.db, cutoff);
  const changes = await pruneChanges(deps.db, cutoff);
  const pruned = { webhookEvents, idempotencyKeys, deliveries, changes };
  log.info({ ...pruned, webhookRetentionDays, changesRetentionDays }, 'retention applied');
  return pruned;
};

/**
 * A location installed under an agency gets its own token: kept if it has one, else minted from
 * the company token. Neither stored yet (the INSTALL webhook can beat the code exchange) is a
 * transient failure: the job retries with backoff until one arrives.
 */
export const processGhlInstallLocation: Processor<'ghl.install-location'> = async ({
  payload,
  deps,
  log,
}) => {
  const outcome = await deps.ghlTokens.installFromCompany(payload.companyId, payload.locationId);
  log.info({ ...payload, outcome }, 'location install has its token');
  return { outcome };
};

/**
 * An agency install: every location where the app is installed under the company (GHL's
 * `/oauth/installedLocations`, paged) gets its own `ghl.install-location` job. Waits, with
 * backoff, until the company token is stored.
 */
export const processGhlInstallCompany: Processor<'ghl.install-company'> = async ({ payload, deps, log }) => {
  const { appId } = deps.oauthExchange;
  if (!appId) throw new UnrecoverableError('GHL_CLIENT_ID is not configured, so the app id is unknown');
  const { companyId } = payload;
  if (!(await deps.ghlTokens.hasActiveTokens(companyId)))
    throw new GhlTransientError(`company ${companyId}'s token has not arrived yet`);
  const locations = await deps.ghl.installedLocations(companyId, appId);
  const stamp = Date.now();
  for (const locationId of locations)
    await enqueue(
      deps.queues,
      'ghl.install-location',
      { companyId, locationId },
      { jobId: installJobId('install-location', locationId, stamp) },
    );
  log.info({ companyId, locations: locations.length }, 'agency install: a token job per location');
  return { locations: locations.length };
};

/** After an UNINSTALL committed: the cached access token goes too, so no call goes on with it. */
export const processGhlForgetTokens: Processor<'ghl.forget-tokens'> = async ({ payload, deps }) => {
  await deps.oauthExchange.installs.forgetCachedToken(payload.resourceId);
  return { forgotten: payload.resourceId };
};
