import { randomBytes, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, isNull, ne, sql } from 'drizzle-orm';
import { type WorkflowSecret, workflowSecrets } from '../schema/workflow-secrets.js';
import { hashApiKey } from './api-keys.js';
import type { Executor } from './executor.js';

/** Recognisable in logs and secret scanners; the rest is 256 random bits. */
const SECRET_PREFIX = 'ghlw_';

/** The name under which GHL_WEBHOOK_SECRET is registered; a new value revokes the old one. */
export const CONFIGURED_SECRET_NAME = 'GHL_WEBHOOK_SECRET';

/** SHA-256 (hex), like staff keys: the secrets are random, so a fast hash is enough. */
export const hashWorkflowSecret = hashApiKey;

/** Creates a secret for one location; the secret is returned here only, and only its hash is stored. */
export async function createWorkflowSecret(
  db: Executor,
  input: { locationId: string; name: string },
): Promise<{ workflowSecret: WorkflowSecret; secret: string }> {
  const secret = `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
  const workflowSecret = await insertSecret(db, {
    ...input,
    secret,
    prefix: secret.slice(0, SECRET_PREFIX.length + 6),
  });
  return { workflowSecret, secret };
}

export async function listWorkflowSecrets(db: Executor): Promise<WorkflowSecret[]> {
  return db.select().from(workflowSecrets).orderBy(desc(workflowSecrets.createdAt));
}

/** True when a live secret was revoked; false when there is no such secret or it was revoked before. */
export async function revokeWorkflowSecret(db: Executor, id: string): Promise<boolean> {
  const rows = await db
    .update(workflowSecrets)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(workflowSecrets.id, id), isNull(workflowSecrets.revokedAt)))
    .returning({ id: workflowSecrets.id });
  return rows.length > 0;
}

/**
 * The live secret a request presented, if any: looked up by its hash, and the stored hash
 * compared once more in constant time, so nothing about a near miss shows in the timing.
 */
export async function findWorkflowSecret(db: Executor, secret: string): Promise<WorkflowSecret | undefined> {
  const hash = hashWorkflowSecret(secret);
  const [row] = await db
    .select()
    .from(workflowSecrets)
    .where(and(eq(workflowSecrets.secretHash, hash), isNull(workflowSecrets.revokedAt)));
  if (!row) return undefined;
  const stored = Buffer.from(row.secretHash, 'hex');
  const given = Buffer.from(hash, 'hex');
  return stored.length === given.length && timingSafeEqual(stored, given) ? row : undefined;
}

export type ConfiguredSecretOutcome = 'registered' | 'already_registered' | 'revoked_by_operator';

/**
 * GHL_WEBHOOK_SECRET with GHL_LOCATION_ID: the single location's workflow secret, stored hashed
 * at start like the bootstrap tokens. A changed value replaces (revokes) the one configured
 * before; a value an operator revoked with the CLI stays revoked.
 */
export async function registerConfiguredWorkflowSecret(
  db: Executor,
  input: { locationId: string; secret: string },
): Promise<ConfiguredSecretOutcome> {
  const hash = hashWorkflowSecret(input.secret);
  const [existing] = await db.select().from(workflowSecrets).where(eq(workflowSecrets.secretHash, hash));
  if (existing?.revokedAt) return 'revoked_by_operator';
  if (existing && existing.locationId === input.locationId) return 'already_registered';
  await db
    .update(workflowSecrets)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(workflowSecrets.name, CONFIGURED_SECRET_NAME),
        isNull(workflowSecrets.revokedAt),
        ne(workflowSecrets.secretHash, hash),
      ),
    );
  // Same value, another location: the configured location moved; the secret moves with it.
  if (existing) {
    await db
      .update(workflowSecrets)
      .set({ locationId: input.locationId })
      .where(eq(workflowSecrets.id, existing.id));
    return 'registered';
  }
  await insertSecret(db, {
    locationId: input.locationId,
    name: CONFIGURED_SECRET_NAME,
    secret: input.secret,
    // A chosen secret may be short: show operators only a little of it.
    prefix: input.secret.slice(0, 4),
  });
  return 'registered';
}

async function insertSecret(
  db: Executor,
  input: { locationId: string; name: string; secret: string; prefix: string },
): Promise<WorkflowSecret> {
  const [row] = await db
    .insert(workflowSecrets)
    .values({
      locationId: input.locationId,
      name: input.name,
      secretHash: hashWorkflowSecret(input.secret),
      secretPrefix: input.prefix,
    })
    .returning();
  if (!row) throw new Error('workflow secret insert returned no row');
  return row;
}
