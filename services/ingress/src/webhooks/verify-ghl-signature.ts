import { createPublicKey, type KeyObject, verify } from 'node:crypto';

export interface WebhookKeys {
  ed25519: KeyObject;
  /** Set only while legacy RSA `x-wh-signature` is accepted. */
  rsa?: KeyObject | undefined;
}

export type SignatureVerdict =
  | { ok: true; scheme: 'ed25519' | 'rsa' }
  | { ok: false; reason: 'missing' | 'invalid' };

export function parseWebhookKeys(ed25519Pem: string, rsaPem: string | undefined): WebhookKeys {
  return { ed25519: createPublicKey(ed25519Pem), rsa: rsaPem ? createPublicKey(rsaPem) : undefined };
}

/**
 * Verifies GHL's signature over the exact raw body bytes, failing closed. When
 * `X-GHL-Signature` is present it alone decides: a bad Ed25519 signature is never rescued by the
 * legacy header. The literal `N/A` that some GHL configurations send counts as no signature.
 */
export function verifyGhlSignature(
  raw: Buffer,
  headers: Record<string, string | string[] | undefined>,
  keys: WebhookKeys,
): SignatureVerdict {
  const ed25519 = signatureHeader(headers['x-ghl-signature']);
  if (ed25519 !== undefined) {
    const signature = Buffer.from(ed25519, 'base64');
    // Ed25519 signatures are exactly 64 bytes; anything else cannot verify.
    const valid = signature.length === 64 && verify(null, raw, keys.ed25519, signature);
    return valid ? { ok: true, scheme: 'ed25519' } : { ok: false, reason: 'invalid' };
  }
  const rsa = signatureHeader(headers['x-wh-signature']);
  if (rsa !== undefined && keys.rsa) {
    const valid = verify('sha256', raw, keys.rsa, Buffer.from(rsa, 'base64'));
    return valid ? { ok: true, scheme: 'rsa' } : { ok: false, reason: 'invalid' };
  }
  return { ok: false, reason: 'missing' };
}

function signatureHeader(value: string | string[] | undefined): string | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text && text !== 'N/A' ? text : undefined;
}
