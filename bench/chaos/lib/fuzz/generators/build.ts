import type { Header } from '../headers.js';
import { type Json, toJsonText } from '../hostile.js';
import type { Prng } from '../prng.js';
import type { FuzzRequest } from '../raw-http.js';

export type Intent = FuzzRequest['intent'];

/** A request with a JSON body (any value, or bytes as they are) and the given content type. */
export function jsonRequest(
  base: Omit<FuzzRequest, 'body'>,
  body: Json | Buffer | undefined,
  /** null: no Content-Type header at all. */
  contentType: string | null = 'application/json',
): FuzzRequest {
  const headers: Header[] = [...base.headers];
  if (contentType !== null && body !== undefined) headers.push(['content-type', contentType]);
  const bytes = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(toJsonText(body));
  return { ...base, headers, body: bytes };
}

/** `METHOD /url` split, with the method a HEAD route is sent with. */
export function routeParts(route: string): { method: string; url: string } {
  const space = route.indexOf(' ');
  return { method: route.slice(0, space), url: route.slice(space + 1) };
}

/** Path ids that are not what the route takes, percent-encoded as they go on the wire. */
export function hostilePathId(prng: Prng): [string, string] {
  return prng.pick<[string, string]>([
    ['id.word', 'abc'],
    ['id.short-uuid', '123e4567-e89b-12d3-a456-42661417400'],
    ['id.uuid-braces', '%7B123e4567-e89b-12d3-a456-426614174000%7D'],
    ['id.encoded-slash', 'a%2Fb'],
    ['id.dot-dot', '..%2F..%2Fadmin%2Fqueues'],
    ['id.encoded-dots', '%2e%2e'],
    ['id.nul', 'abc%00def'],
    ['id.bad-escape', '%zz'],
    ['id.invalid-utf8', '%C0%80%FF'],
    ['id.unicode', '%C3%B1and%C3%BA'],
    ['id.double-encoded', '%252F'],
    ['id.quote', "'%20or%201=1--"],
    ['id.long-4k', 'l'.repeat(4_000)],
    ['id.long-20k', 'l'.repeat(20_000)],
    ['id.negative', '-1'],
    ['id.number-overflow', '9'.repeat(40)],
    ['id.nil-uuid', '00000000-0000-0000-0000-000000000000'],
    ['id.unknown-uuid', '7d444840-9dc0-11d1-b245-5ffdce74fad2'],
    ['id.upper-uuid', 'F47AC10B-58CC-4372-A567-0E02B2C3D479'],
  ]);
}

export type QueryValue = string | string[];

/** A query string from pairs, values already encoded as they should go on the wire. */
export function queryString(pairs: [string, string][]): string {
  return pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`;
}

export const enc = encodeURIComponent;

export type QueryKind = 'id' | 'int' | 'date' | 'flag' | 'list' | 'text';

/**
 * Hostile values that a route may still read as legal: a broken escape stays literal text
 * (still visible ASCII, so a possible id), and `0x10` is a number to JavaScript.
 */
export function mayBeLegal(kind: QueryKind, label: string): boolean {
  return (
    (kind === 'id' && (label === 'q.bad-escape' || label === 'q.invalid-utf8')) ||
    (kind === 'int' && label === 'q.hex')
  );
}

/** Hostile raw query values (encoded): each wrong for a scalar of that kind (see mayBeLegal). */
export function hostileQueryValue(prng: Prng, kind: QueryKind): [string, string] {
  const common: [string, string][] = [
    ['q.nul', 'a%00b'],
    ['q.bad-escape', '%E0%A4%A'],
    ['q.invalid-utf8', '%C0%80'],
    ['q.huge', 'h'.repeat(6_000)],
  ];
  const byKind: Record<QueryKind, [string, string][]> = {
    id: [
      ['q.empty', ''],
      ['q.space', 'a%20b'],
      ['q.long', 'i'.repeat(200)],
      ['q.unicode', '%C3%B1'],
    ],
    int: [
      ['q.zero', '0'],
      ['q.negative', '-1'],
      ['q.enormous', '1000000000'],
      ['q.exp', '1e309'],
      ['q.fraction', '1.5'],
      ['q.word', 'all'],
      ['q.digits-40', '9'.repeat(40)],
      ['q.hex', '0x10'],
      ['q.empty', ''],
    ],
    date: [
      ['q.year-0000', '0000-01-01T00%3A00%3A00Z'],
      ['q.year-10000', '10000-01-01T00%3A00%3A00Z'],
      ['q.year-1899', '1899-01-01T00%3A00%3A00Z'],
      ['q.no-offset', '2030-01-01T00%3A00%3A00'],
      ['q.feb-30', '2030-02-30T00%3A00%3A00Z'],
      ['q.words', 'yesterday'],
      ['q.epoch', '1700000000000'],
    ],
    flag: [
      ['q.yes', 'yes'],
      ['q.two', '2'],
      ['q.upper', 'TRUE'],
      ['q.empty', ''],
    ],
    list: [
      ['q.unknown', 'nope'],
      ['q.comma-only', '%2C%2C'],
      ['q.empty', ''],
      ['q.long-list', Array(200).fill('new').join('%2C')],
    ],
    text: [['q.empty', '']],
  };
  return prng.pick([...common, ...byKind[kind]]);
}

/**
 * Query-level abuse: a scalar repeated (refused everywhere), or array syntax, unknown keys and
 * thousands of keys, which only a strict query schema refuses (`strictOnly`).
 */
export function queryAbuse(
  prng: Prng,
  valid: [string, string][],
): { label: string; pairs: [string, string][]; strictOnly: boolean } {
  const knownKey = valid[0]?.[0] ?? 'limit';
  const [label, make] = prng.pick<[string, () => [string, string][]]>([
    ['q.repeated', () => [...valid, [knownKey, valid[0]?.[1] ?? 'x']]],
    ['q.array-syntax', () => [...valid.filter(([k]) => k !== knownKey), [`${knownKey}[]`, 'x']]],
    ['q.unknown-key', () => [...valid, [`evil_${prng.chars(4)}`, '1']]],
    ['q.proto-key', () => [...valid, ['__proto__', 'x'], ['constructor', 'y']]],
    [
      'q.many-keys',
      () => [...valid, ...Array.from({ length: 1_500 }, (_, i): [string, string] => [`k${i}`, '1'])],
    ],
  ]);
  return { label, pairs: make(), strictOnly: label !== 'q.repeated' };
}
