import { type Db, findWorkflowSecret, type WorkflowSecret } from '@ghl-bridge/db';
import { isWorkflowEventType } from '@ghl-bridge/jobs';

/**
 * The header GHL's workflow "Custom Webhook" action sets for us. The action sends static
 * headers only (it cannot sign the body), so the secret itself travels here, over HTTPS.
 */
const WORKFLOW_SECRET_HEADER = 'x-ghl-bridge-secret';

/** Longer than any secret we make or accept: anything longer is not one, and is not looked up. */
const MAX_SECRET_LENGTH = 256;

export type SecretVerdict =
  | { ok: true; secret: WorkflowSecret }
  | { ok: false; reason: 'missing' | 'invalid' };

/** The live secret named by the request's header, or why there is none. */
export async function checkWorkflowSecret(
  db: Db,
  headers: Record<string, string | string[] | undefined>,
): Promise<SecretVerdict> {
  const header = headers[WORKFLOW_SECRET_HEADER];
  const given = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!given) return { ok: false, reason: 'missing' };
  if (given.length > MAX_SECRET_LENGTH) return { ok: false, reason: 'invalid' };
  const secret = await findWorkflowSecret(db, given);
  return secret ? { ok: true, secret } : { ok: false, reason: 'invalid' };
}

export type ScopeVerdict =
  | { ok: true; event: Record<string, unknown> }
  | { ok: false; status: 400 | 403 | 422; error: string; message: string };

/** Longest `webhookId` a workflow body may carry (GHL's own are UUIDs). */
const MAX_WEBHOOK_ID_LENGTH = 200;

/**
 * A workflow body acts only on its secret's location and only through what a workflow may
 * drive. A body without `locationId` gets the secret's; its `webhookId`, chosen by whoever wrote
 * the workflow, is namespaced by location so it can never collide with another location's.
 */
export function scopeWorkflowEvent(event: Record<string, unknown>, secret: WorkflowSecret): ScopeVerdict {
  if (!isWorkflowEventType(event.type))
    return {
      ok: false,
      status: 422,
      error: 'unsupported_event_type',
      message: 'A workflow webhook may only send appointment and contact events',
    };
  if (event.locationId !== undefined && event.locationId !== secret.locationId)
    return {
      ok: false,
      status: 403,
      error: 'wrong_location',
      message: "locationId is not this workflow secret's location",
    };
  const { webhookId } = event;
  if (webhookId !== undefined && (typeof webhookId !== 'string' || webhookId.length > MAX_WEBHOOK_ID_LENGTH))
    return {
      ok: false,
      status: 400,
      error: 'invalid_webhook_id',
      message: `webhookId must be a string of at most ${MAX_WEBHOOK_ID_LENGTH} characters`,
    };
  const scoped: Record<string, unknown> = { ...event, locationId: secret.locationId };
  if (typeof webhookId === 'string' && webhookId !== '')
    scoped.webhookId = `workflow:${secret.locationId}:${webhookId}`;
  return { ok: true, event: scoped };
}
