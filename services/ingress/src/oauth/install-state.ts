import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The `state` of an install started from our `/oauth/install`: a nonce and an expiry, signed
 * with HMAC-SHA256 under a key derived from TOKEN_ENCRYPTION_KEY (its own key, so a state can
 * never be mistaken for a sealed token). The nonce also goes in a cookie, binding the install
 * to the browser that started it. No server-side storage: any ingress process can check it.
 */
export class InstallState {
  private readonly key: Buffer;

  constructor(tokenEncryptionKey: Buffer) {
    this.key = Buffer.from(
      hkdfSync('sha256', tokenEncryptionKey, Buffer.alloc(0), 'ghl-bridge oauth state', 32),
    );
  }

  create(nowMs: number, ttlMs: number): { state: string; nonce: string } {
    const nonce = randomBytes(16).toString('base64url');
    const body = `${nonce}.${nowMs + ttlMs}`;
    return { state: `${body}.${this.sign(body)}`, nonce };
  }

  /** The state's nonce when it is ours, unaltered and unexpired; else why not. */
  verify(state: string, nowMs: number): { ok: true; nonce: string } | { ok: false; reason: string } {
    const [nonce, expires, signature, ...rest] = state.split('.');
    if (!nonce || !expires || !signature || rest.length > 0) return { ok: false, reason: 'malformed' };
    const expected = Buffer.from(this.sign(`${nonce}.${expires}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { ok: false, reason: 'bad signature' };
    if (!/^\d+$/.test(expires) || Number(expires) < nowMs) return { ok: false, reason: 'expired' };
    return { ok: true, nonce };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
