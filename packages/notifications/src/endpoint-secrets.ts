import { randomBytes } from 'node:crypto';
import type { NotificationEndpoint } from '@ghl-bridge/db';
import { openSecret, sealSecret } from '@ghl-bridge/secrets';
import { Webhook } from 'standardwebhooks';

const PREFIX = 'whsec_';

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64 (the spec allows 24-64). */
export function newEndpointSecret(): { secret: string; hint: string } {
  const secret = `${PREFIX}${randomBytes(32).toString('base64')}`;
  return { secret, hint: secret.slice(0, PREFIX.length + 4) };
}

// The endpoint id is the sealing context: a ciphertext copied onto another endpoint does not open.
const context = (endpointId: string) => `notification-endpoint:${endpointId}`;

export function sealEndpointSecret(key: Buffer, endpointId: string, secret: string): string {
  return sealSecret(key, secret, context(endpointId));
}

/**
 * The secrets a delivery is signed with now: the endpoint's, then the one it replaced while
 * that one's overlap lasts, so a receiver still holding the old secret keeps verifying.
 */
export function signingSecrets(endpoint: NotificationEndpoint, key: Buffer, now: Date): string[] {
  const secrets = [openSecret(key, endpoint.secretSealed, context(endpoint.id))];
  if (endpoint.previousSecretSealed && endpoint.previousSecretUntil && endpoint.previousSecretUntil > now)
    secrets.push(openSecret(key, endpoint.previousSecretSealed, context(endpoint.id)));
  return secrets;
}

/**
 * `webhook-signature`: one `v1,<base64 HMAC-SHA256>` per secret, space-separated, as Standard
 * Webhooks lets a sender list several. Signed by the reference `standardwebhooks` package.
 */
export function signPayload(
  secrets: readonly string[],
  id: string,
  timestamp: Date,
  payload: string,
): string {
  return secrets.map((secret) => new Webhook(secret).sign(id, timestamp, payload)).join(' ');
}
