import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** GHL ids are 20-character alphanumeric strings (e.g. `BqTwX8QFwXzpegMve9EQ`). */
export function ghlId(length = 20): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

/** Opaque secrets (tokens, codes): longer, url-safe. */
export function secret(prefix: string): string {
  return `${prefix}${randomBytes(24).toString('base64url')}`;
}
