import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when an Authorization header carries the admin token: `Bearer <token>`, or basic auth
 * as `admin` with the token as password (so a browser can open Bull Board). Constant time:
 * both sides are hashed to equal-length digests before comparing.
 */
export function hasAdminToken(authorization: string | undefined, token: string | undefined): boolean {
  if (!token || !authorization) return false;
  const given = presented(authorization);
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

/**
 * The credential in `<scheme> <value>`: exactly one value, no other text. `Bearer <token> junk`
 * is not the token (RFC 6750's token68 has no spaces), so it is refused rather than truncated.
 */
function presented(header: string): string | undefined {
  const match = /^(\S+) +(\S+)$/.exec(header.trim());
  if (!match) return undefined;
  const [, scheme = '', value = ''] = match;
  if (scheme.toLowerCase() === 'bearer') return value;
  if (scheme.toLowerCase() !== 'basic') return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && decoded.slice(0, colon) === 'admin' ? decoded.slice(colon + 1) : undefined;
}

const digest = (value: string) => createHash('sha256').update(value).digest();
