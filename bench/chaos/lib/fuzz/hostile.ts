import type { Prng } from './prng.js';

/**
 * Planted in every free-text value, key name and secret the fuzzer sends (never in URLs, which
 * are access-log material): any log line holding it echoed request data.
 */
export const CANARY = 'fzc4n4ry';

/** A JSON value the generator serialises as is, or raw JSON text spliced in verbatim. */
export class RawJson {
  constructor(readonly text: string) {}
}
export type Json = null | boolean | number | string | RawJson | Json[] | { [key: string]: Json };

/** JSON text of a value that may hold RawJson parts (numbers JSON cannot write, duplicate keys). */
export function toJsonText(value: Json): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** `{ key: value }` where the key may be `__proto__` (an object literal would set the prototype). */
export function withKey(target: { [key: string]: Json }, key: string, value: Json): { [key: string]: Json } {
  const out = { ...target };
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

/** One of the labelled makers, made: large values are only built when picked. */
export function made<T>(prng: Prng, options: [string, () => T][]): [string, T] {
  const [label, make] = prng.pick(options);
  return [label, make()];
}

/** A value of the wrong JSON type for any scalar field. */
export function wrongType(
  prng: Prng,
  except: 'string' | 'number' | 'boolean' | 'object' = 'string',
): [string, Json] {
  const all: [string, 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null', Json][] = [
    ['number', 'number', 42],
    ['float', 'number', 1.5],
    ['boolean', 'boolean', true],
    ['array', 'array', [CANARY]],
    ['object', 'object', { [CANARY]: CANARY }],
    ['string', 'string', CANARY],
    ['null', 'null', null],
    ['nested-object', 'object', { $ne: null, $gt: '' }],
  ];
  const [label, , value] = prng.pick(all.filter(([, type]) => type !== except));
  return [`type.${label}`, value];
}

/** Instants PostgreSQL, JavaScript or the API cannot take (or must not: outside 1900-2999). */
export const HOSTILE_DATES: [string, Json][] = [
  ['year-0000', '0000-01-01T00:00:00Z'],
  ['year-0001', '0001-01-01T00:00:00Z'],
  ['year-10000', '10000-01-01T00:00:00Z'],
  ['extended-year', '+010000-01-01T00:00:00Z'],
  ['negative-year', '-000001-01-01T00:00:00Z'],
  ['max-js-date', '+275760-09-13T00:00:00Z'],
  ['year-1899', '1899-12-31T23:59:59Z'],
  ['year-3000', '3000-01-01T00:00:00Z'],
  ['year-9999', '9999-12-31T23:59:59Z'],
  ['feb-30', '2030-02-30T10:00:00Z'],
  ['month-13', '2030-13-01T10:00:00Z'],
  ['hour-25', '2030-03-04T25:00:00Z'],
  ['offset-24h', '2030-03-04T09:00:00+24:00'],
  ['no-offset', '2030-03-04T09:00:00'],
  ['date-only', '2030-03-04'],
  ['words', 'next tuesday'],
  ['infinity', 'infinity'],
  ['epoch-number', 1_900_000_000_000],
  ['nul', `2030-03-04T09:00:00Z\u0000${CANARY}`],
  ['empty', ''],
];

/** Numbers out of every range, including ones JSON.stringify cannot write. */
export function hostileNumber(prng: Prng, range: [number, number]): [string, Json] {
  const [min, max] = range;
  return prng.pick<[string, Json]>([
    ['below-min', min - 1],
    ['above-max', max + 1],
    ['fraction', min + 0.5],
    ['huge', 2 ** 63],
    ['unsafe-int', 2 ** 53 + 1],
    ['exp-overflow', new RawJson('1e309')],
    ['exp-underflow', new RawJson('-1e-400')],
    ['negative-zero', new RawJson('-0')],
    ['long-digits', new RawJson('9'.repeat(400))],
    ['numeric-string', String(min)],
    ['nan-string', 'NaN'],
  ]);
}

/** Keys that pollute prototypes in naive merges, or that no schema knows. */
export function hostileKey(prng: Prng): string {
  // A key that looks like a field name may be named back in a 400: the canary goes in the others.
  return prng.pick([
    '__proto__',
    'constructor',
    'prototype',
    `${CANARY}\u0000`,
    'x_unknown_field',
    `${CANARY} key`,
    '',
    'k'.repeat(5_000),
  ]);
}

export function pollution(prng: Prng): Json {
  return prng.pick<Json>([{ polluted: CANARY }, { prototype: { polluted: CANARY } }, CANARY]);
}

/** `depth` nested arrays or objects around a value. */
export function nested(depth: number, kind: 'array' | 'object'): RawJson {
  return kind === 'array'
    ? new RawJson(`${'['.repeat(depth)}"${CANARY}"${']'.repeat(depth)}`)
    : new RawJson(`${'{"a":'.repeat(depth)}"${CANARY}"${'}'.repeat(depth)}`);
}

/**
 * A body that is not a JSON object, or not JSON at all: refused by every route that needs an
 * object. `parses` says whether it is still JSON (a route that ignores its body may take it).
 * Bytes, so invalid UTF-8 and raw control bytes can be sent.
 */
export function brokenBody(prng: Prng, valid: string): { label: string; bytes: Buffer; parses: boolean } {
  const cut = Math.max(1, prng.int(valid.length));
  const options: [string, boolean, () => Buffer][] = [
    ['truncated', false, () => Buffer.from(valid.slice(0, cut))],
    ['trailing-garbage', false, () => Buffer.from(`${valid}}{${CANARY}`)],
    [
      'raw-nul-byte',
      false,
      () =>
        Buffer.concat([Buffer.from(valid.slice(0, cut)), Buffer.from([0]), Buffer.from(valid.slice(cut))]),
    ],
    [
      'invalid-utf8-outside-strings',
      false,
      () => Buffer.concat([Buffer.from(valid), Buffer.from([0xff, 0xfe, 0xc3, 0x28])]),
    ],
    ['utf16le', false, () => Buffer.from(valid, 'utf16le')],
    ['single-quotes', false, () => Buffer.from(valid.replaceAll('"', "'"))],
    ['comment', false, () => Buffer.from(`/* ${CANARY} */${valid}`)],
    ['nan-literal', false, () => Buffer.from(`{"x": NaN, "y": "${CANARY}"}`)],
    ['whitespace-only', false, () => Buffer.from(' \n\t ')],
    ['top-level-array', true, () => Buffer.from(`[${valid}]`)],
    ['top-level-string', true, () => Buffer.from(JSON.stringify(CANARY))],
    ['top-level-number', true, () => Buffer.from('1e309')],
    ['top-level-null', true, () => Buffer.from('null')],
    ['deep-array-10k', true, () => Buffer.from(nested(10_000, 'array').text)],
    ['deep-object-5k', true, () => Buffer.from(nested(5_000, 'object').text)],
  ];
  const [label, parses, make] = prng.pick(options);
  return { label: `body.${label}`, bytes: make(), parses };
}

/** Raw bytes of invalid UTF-8 (an overlong NUL, a lone continuation byte, a truncated sequence). */
const INVALID_UTF8: Buffer[] = [
  Buffer.from([0xc0, 0x80]),
  Buffer.from([0x80]),
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0xff]),
  Buffer.from([0xed, 0xa0, 0x80]),
];

/** JSON text with `marker` (a JSON string literal in it) replaced by a string holding invalid UTF-8. */
export function spliceInvalidUtf8(text: string, marker: string, prng: Prng): Buffer {
  const at = text.indexOf(marker);
  if (at < 0) return Buffer.from(text);
  const bad = Buffer.concat([Buffer.from(`"${CANARY}`), prng.pick(INVALID_UTF8), Buffer.from('"')]);
  return Buffer.concat([Buffer.from(text.slice(0, at)), bad, Buffer.from(text.slice(at + marker.length))]);
}
