import { ghlInstalls, ghlTokens } from '@ghl-bridge/db';
import { UnrecoverableError } from 'bullmq';
import { eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { EventOf, SingleEffect, Transaction } from '../webhook-effect.js';
import { eventTime } from './event-time.js';

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

/**
 * The app was installed: remember it, and for a location under an agency, promise (through the
 * outbox, in this transaction) a job that mints its token from the company token if we hold one.
 */
export const install: SingleEffect<EventOf<'install'>> = async ({ tx, promise }, { raw }) => {
  const { resourceId, applied } = await record(tx, raw, true);
  if (!applied) return 'ignored';
  const { locationId, companyId } = installEvent.parse(raw);
  if (locationId && companyId) {
    const jobId = `install-${resourceId}-${Date.now()}`;
    await promise({ jobName: 'ghl.install-location', jobId, payload: { locationId, companyId } });
  }
  return 'processed';
};

/** The app was removed: forget its tokens, as GHL has revoked them; later calls fail as needing re-auth. */
export const uninstall: SingleEffect<EventOf<'uninstall'>> = async ({ tx }, { raw }) => {
  const { resourceId, applied } = await record(tx, raw, false);
  if (!applied) return 'ignored';
  await tx.delete(ghlTokens).where(eq(ghlTokens.resourceId, resourceId));
  return 'processed';
};
