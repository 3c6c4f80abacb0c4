import { eventTime } from '@ghl-bridge/citas';
import { ghlInstalls, ghlTokens } from '@ghl-bridge/db';
import { installJobId } from '@ghl-bridge/jobs';
import { UnrecoverableError } from 'bullmq';
import { eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { EventOf, SingleEffect, Transaction } from '../webhook-effect.js';

// INSTALL / UNINSTALL: `locationId` for a location install, only `companyId` for an agency one.
const installEvent = z.looseObject({
  locationId: z.string().min(1).optional(),
  companyId: z.string().min(1).optional(),
  timestamp: z.string().optional(),
});

function parse(raw: Record<string, unknown>) {
  const parsed = installEvent.safeParse(raw);
  const resourceId = parsed.success ? (parsed.data.locationId ?? parsed.data.companyId) : undefined;
  if (!parsed.success || !resourceId)
    throw new UnrecoverableError('install webhook names neither locationId nor companyId');
  return {
    resourceId,
    companyId: parsed.data.companyId ?? null,
    at: eventTime(parsed.data.timestamp) ?? new Date(),
  };
}

async function record(tx: Transaction, raw: Record<string, unknown>, installed: boolean) {
  const { resourceId, companyId, at } = parse(raw);
  const values = { resourceId, companyId, installed, lastEventAt: at, updatedAt: new Date() };
  const written = await tx
    .insert(ghlInstalls)
    .values(values)
    .onConflictDoUpdate({
      target: ghlInstalls.resourceId,
      set: values,
      where: lt(ghlInstalls.lastEventAt, at),
    })
    .returning({ resourceId: ghlInstalls.resourceId });
  return { resourceId, applied: written.length > 0 };
}

/** The install record an INSTALL or UNINSTALL event changes. */
export const installKeys = (event: Record<string, unknown>) => [
  `install:${String(event.locationId ?? event.companyId)}`,
];

// Follow-up work is promised through the outbox, in the webhook batch's transaction: the job
// exists exactly when the effect committed (a rolled-back batch promises nothing), and the
// worker enqueues it as soon as the batch commits. Nothing here may call GHL or Redis itself.

/**
 * The app was installed: remember it. A location under an agency gets a job that makes sure it
 * has its own token (minting it from the company token, retrying until that token exists); an
 * agency-level install gets a job that lists its installed locations.
 */
export const install: SingleEffect<EventOf<'install'>> = async ({ tx, promise }, { raw, requestId }) => {
  const { resourceId, applied } = await record(tx, raw, true);
  if (!applied) return 'ignored';
  const { locationId, companyId } = installEvent.parse(raw);
  if (locationId && companyId)
    await promise({
      jobName: 'ghl.install-location',
      jobId: installJobId('install-location', resourceId),
      payload: { locationId, companyId, requestId },
    });
  else if (companyId)
    await promise({
      jobName: 'ghl.install-company',
      jobId: installJobId('install-company', resourceId),
      payload: { companyId, requestId },
    });
  return 'processed';
};

/**
 * The app was removed: forget its tokens, as GHL has revoked them; later calls fail as needing
 * re-auth. The stored tokens go in this transaction; the cached access token lives in Redis,
 * which this transaction cannot touch, so a `ghl.forget-tokens` job (through the outbox, after
 * commit) drops it: no call goes on with it, and a rollback drops nothing.
 */
export const uninstall: SingleEffect<EventOf<'uninstall'>> = async ({ tx, promise }, { raw, requestId }) => {
  const { resourceId, applied } = await record(tx, raw, false);
  if (!applied) return 'ignored';
  await tx.delete(ghlTokens).where(eq(ghlTokens.resourceId, resourceId));
  await promise({
    jobName: 'ghl.forget-tokens',
    jobId: installJobId('forget-tokens', resourceId),
    payload: { resourceId, requestId },
  });
  return 'processed';
};
