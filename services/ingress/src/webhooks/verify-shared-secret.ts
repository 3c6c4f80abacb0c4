import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SignatureVerdict } from './verify-ghl-signature.js';

/** Header carrying the HMAC for GHL workflow "custom webhooks" (hex or base64, `sha256=` optional). */
export const SHARED_SECRET_HEADER = 'x-ghl-bridge-signature';

/**
 * Workflow webhooks carry no GHL signature: they are accepted only with an HMAC-SHA256 of the
 * raw body under GHL_WEBHOOK_SECRET, compared in constant time. No secret configured: refused.
 */
export function verifySharedSecret(
  raw: Buffer,
  headers: Record<string, string | string[] | undefined>,
  secret: string | undefined,
): SignatureVerdict {
  const header = headers[SHARED_SECRET_HEADER];
  const given = (Array.isArray(header) ? header[0] : header)?.trim().replace(/^sha256=/, '');
  if (!secret || !given) return { ok: false, reason: 'missing' };
  const expected = createHmac('sha256', secret).update(raw).digest();
  const candidate = /^[0-9a-f]{64}$/i.test(given) ? Buffer.from(given, 'hex') : Buffer.from(given, 'base64');
  const valid = candidate.length === expected.length && timingSafeEqual(candidate, expected);
  return valid ? { ok: true, scheme: 'hmac' } : { ok: false, reason: 'invalid' };
}
