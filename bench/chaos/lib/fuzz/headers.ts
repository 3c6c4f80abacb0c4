import { CANARY } from './hostile.js';
import type { Prng } from './prng.js';

export type Header = [string, string | Buffer];

/**
 * Credentials as a client could send them. `valid` is the one credential that works; every
 * other variant must be refused (401), except where noted as still valid.
 */
export function bearerVariants(
  valid: string,
  prng: Prng,
): { label: string; headers: Header[]; works: boolean } {
  const junk = `${CANARY}${prng.chars(24)}`;
  const [label, headers, works] = prng.pick<[string, Header[], boolean]>([
    ['auth.missing', [], false],
    ['auth.empty', [['authorization', '']], false],
    ['auth.bearer-only', [['authorization', 'Bearer']], false],
    ['auth.bearer-space', [['authorization', 'Bearer    ']], false],
    ['auth.junk-token', [['authorization', `Bearer ${junk}`]], false],
    ['auth.token-then-junk', [['authorization', `Bearer ${valid} ${junk}`]], false],
    ['auth.junk-then-token', [['authorization', `Bearer ${junk} ${valid}`]], false],
    ['auth.prefix-of-token', [['authorization', `Bearer ${valid.slice(0, -1)}`]], false],
    ['auth.token-plus-char', [['authorization', `Bearer ${valid}x`]], false],
    ['auth.no-scheme', [['authorization', valid]], false],
    [
      'auth.basic-scheme',
      [['authorization', `Basic ${Buffer.from(`x:${valid}`).toString('base64')}`]],
      false,
    ],
    [
      'auth.duplicate-valid-first',
      [
        ['authorization', `Bearer ${valid}`],
        ['authorization', `Bearer ${junk}`],
      ],
      false,
    ],
    [
      'auth.duplicate-junk-first',
      [
        ['authorization', `Bearer ${junk}`],
        ['authorization', `Bearer ${valid}`],
      ],
      false,
    ],
    ['auth.oversized-8k', [['authorization', `Bearer ${CANARY}${'a'.repeat(8_000)}`]], false],
    ['auth.oversized-20k', [['authorization', `Bearer ${CANARY}${'a'.repeat(20_000)}`]], false],
    [
      'auth.nul-in-token',
      [['authorization', Buffer.from(`Bearer ${valid}\u0000${CANARY}`, 'latin1')]],
      false,
    ],
    [
      'auth.latin1-bytes',
      [
        [
          'authorization',
          Buffer.concat([Buffer.from('Bearer '), Buffer.from([0xe9, 0xff]), Buffer.from(CANARY)]),
        ],
      ],
      false,
    ],
    ['auth.crlf-in-token', [['authorization', `Bearer ${CANARY}\r\nx-admin: 1`]], false],
    ['auth.lowercase-scheme', [['authorization', `bearer ${valid}`]], true],
    ['auth.tab-separated', [['authorization', `Bearer\t${valid}`]], true],
  ]);
  return { label, headers, works };
}

/** Content types a JSON route must refuse (415), or take as JSON (`json: true`). */
export function contentTypeVariant(prng: Prng): { label: string; value: string | null; json: boolean } {
  const [label, value, json] = prng.pick<[string, string | null, boolean]>([
    ['ct.missing', null, false],
    ['ct.text-plain', 'text/plain', false],
    ['ct.form', 'application/x-www-form-urlencoded', false],
    ['ct.multipart', 'multipart/form-data; boundary=zzz', false],
    ['ct.xml', 'application/xml', false],
    ['ct.jsonp', 'application/jsonp', false],
    ['ct.octet', 'application/octet-stream', false],
    ['ct.empty', '', false],
    ['ct.star', '*/*', false],
    ['ct.huge', `application/json; ${'x'.repeat(6_000)}=1`, true],
    ['ct.charset-utf16', 'application/json; charset=utf-16', true],
    ['ct.upper', 'APPLICATION/JSON', true],
    ['ct.two-types', 'application/json, text/plain', false],
  ]);
  return { label, value, json };
}

/** Idempotency-Key values that must be refused (400): too long, empty, not visible ASCII. */
export function badIdempotencyKey(prng: Prng): [string, Header[]] {
  return prng.pick<[string, Header[]]>([
    ['idem.too-long', [['idempotency-key', `${CANARY}${'k'.repeat(300)}`]]],
    ['idem.empty', [['idempotency-key', '']]],
    ['idem.space', [['idempotency-key', `a b ${CANARY}`]]],
    ['idem.latin1', [['idempotency-key', Buffer.from([0x6b, 0xe9, 0xff])]]],
    ['idem.huge', [['idempotency-key', `${CANARY}${'k'.repeat(12_000)}`]]],
  ]);
}
