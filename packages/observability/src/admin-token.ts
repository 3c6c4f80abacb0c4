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

function presented(header: string): string | undefined {
  const [scheme, value = ''] = header.split(' ', 2);
  if (scheme?.toLowerCase() === 'bearer') return value.trim();
  if (scheme?.toLowerCase() !== 'basic') return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && decoded.slice(0, colon) === 'admin' ? decoded.slice(colon + 1) : undefined;
}

const digest = (value: string) => createHash('sha256').update(value).digest();
