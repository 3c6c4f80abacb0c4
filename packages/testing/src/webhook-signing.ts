import { createSign, generateKeyPairSync, sign } from 'node:crypto';

export interface WebhookKeys {
  ed25519: { publicKey: string; privateKey: string };
  rsa: { publicKey: string; privateKey: string };
}

/** Fresh key pairs for a test run: no private key is ever committed. */
export function generateWebhookKeys(): WebhookKeys {
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  return {
    ed25519: generateKeyPairSync('ed25519', { publicKeyEncoding, privateKeyEncoding }),
    // 2048 bits keeps key generation fast; GHL's real key is 4096, which verifies the same way.
    rsa: generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding, privateKeyEncoding }),
  };
}

/** Headers GHL would send for these exact body bytes. */
export function signWebhook(
  body: string | Buffer,
  keys: WebhookKeys,
  schemes: ReadonlyArray<'ed25519' | 'rsa'> = ['ed25519'],
): Record<string, string> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (schemes.includes('ed25519'))
    headers['x-ghl-signature'] = sign(null, bytes, keys.ed25519.privateKey).toString('base64');
  if (schemes.includes('rsa')) {
    headers['x-wh-signature'] = createSign('SHA256').update(bytes).sign(keys.rsa.privateKey, 'base64');
  }
  return headers;
}
