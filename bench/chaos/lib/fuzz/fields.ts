import {
  CANARY,
  HOSTILE_DATES,
  hostileKey,
  hostileNumber,
  type Json,
  pollution,
  withKey,
  wrongType,
} from './hostile.js';
import type { Prng } from './prng.js';

/**
 * What the API promises about each field of a body, read from the README and the route's docs
 * (a second reading, not an import of the route's zod schema): enough to make values that must
 * be refused. Every value `hostileFor` returns is outside what the field takes, so a 2xx for it
 * is a bug, not bad luck.
 */
export type Field = { optional?: boolean; nullable?: boolean } & (
  | { kind: 'id' }
  | { kind: 'text'; max: number; trimmedMin?: number }
  | { kind: 'date' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'int'; range: [number, number] }
  | { kind: 'bool' }
  | { kind: 'email' }
  | { kind: 'object'; fields: Record<string, Field>; strict: boolean }
  | { kind: 'custom'; hostile: [string, Json][] }
);

function hostileFor(field: Field, prng: Prng): [string, Json] {
  const typeMiss = (except: 'string' | 'number' | 'boolean' | 'object'): [string, Json] => {
    for (;;) {
      const candidate = wrongType(prng, except);
      if (!(field.nullable && candidate[1] === null)) return candidate;
    }
  };
  if (prng.chance(0.15)) {
    const except =
      field.kind === 'int'
        ? 'number'
        : field.kind === 'bool'
          ? 'boolean'
          : field.kind === 'object'
            ? 'object'
            : 'string';
    if (field.kind !== 'custom') return typeMiss(except);
  }
  switch (field.kind) {
    case 'id':
      return prng.pick<[string, Json]>([
        ['id.empty', ''],
        ['id.too-long', `${CANARY}${'i'.repeat(200)}`],
        ['id.space', `a b${CANARY}`],
        ['id.non-ascii', `ñandú${CANARY}`],
        ['id.nul', `a\u0000${CANARY}`],
        ['id.tab', `\t${CANARY}`],
        ['id.huge', CANARY + 'i'.repeat(100_000)],
      ]);
    case 'text': {
      const options: [string, Json][] = [
        ['text.over-limit', CANARY + 't'.repeat(field.max)],
        ['text.nul', `a\u0000${CANARY}`],
        ['text.nul-only', '\u0000'],
      ];
      if (field.trimmedMin) options.push(['text.blank', '   '], ['text.empty', '']);
      if (field.max < 1_000) options.push(['text.huge', CANARY + 't'.repeat(300_000)]);
      return prng.pick(options);
    }
    case 'date': {
      const [label, value] = prng.pick(HOSTILE_DATES);
      return [`date.${label}`, value];
    }
    case 'enum':
      return prng.pick<[string, Json]>([
        ['enum.empty', ''],
        ['enum.upper', (field.values[0] ?? '').toUpperCase()],
        ['enum.padded', ` ${field.values[0] ?? ''}`],
        ['enum.unknown', `x${CANARY}`],
        ['enum.nul', `${field.values[0] ?? ''}\u0000`],
      ]);
    case 'int': {
      const [min] = field.range;
      for (;;) {
        const [label, value] = hostileNumber(prng, field.range);
        // -0 is an integer >= 0: legal wherever 0 is.
        if (min <= 0 && (label === 'negative-zero' || label === 'exp-underflow')) continue;
        return [`int.${label}`, value];
      }
    }
    case 'bool':
      return prng.pick<[string, Json]>([
        ['bool.string', 'true'],
        ['bool.one', 1],
        ['bool.yes', 'yes'],
      ]);
    case 'email':
      return prng.pick<[string, Json]>([
        ['email.no-at', `not-an-email-${CANARY}`],
        ['email.no-domain', `${CANARY}@`],
        ['email.too-long', `${CANARY}${'e'.repeat(250)}@example.com`],
        ['email.nul', `a\u0000${CANARY}@example.com`],
        ['email.spaces', `a ${CANARY}@example.com`],
      ]);
    case 'object': {
      if (field.strict && prng.chance(0.5))
        return ['object.extra-key', withKey({}, hostileKey(prng), pollution(prng))];
      return typeMiss('object');
    }
    case 'custom':
      return prng.pick(field.hostile);
  }
}

type Body = { [key: string]: Json };

/**
 * A copy of `valid` that the route must refuse: one field (at any depth) made hostile, a
 * required field left out, or an unknown (or prototype-polluting) key added to a strict object.
 */
export function mutateBody(
  spec: Record<string, Field>,
  valid: Body,
  prng: Prng,
  strict = true,
): [string, Body] {
  const roll = prng.next();
  if (roll < 0.12 && strict) {
    const key = hostileKey(prng);
    return [
      `extra-key.${key === '__proto__' || key === 'constructor' || key === 'prototype' ? key : 'unknown'}`,
      withKey(valid, key, pollution(prng)),
    ];
  }
  const required = Object.entries(spec).filter(([, f]) => !f.optional);
  if (roll < 0.2 && required.length > 0) {
    const [name] = prng.pick(required);
    const { [name]: _dropped, ...rest } = valid;
    return [`missing.${name}`, rest];
  }
  const [name, field] = prng.pick(Object.entries(spec));
  if (field.kind === 'object' && prng.chance(0.6) && valid[name] && typeof valid[name] === 'object') {
    const [label, inner] = mutateBody(field.fields, valid[name] as Body, prng, field.strict);
    return [`${name}.${label}`, { ...valid, [name]: inner }];
  }
  const [label, value] = hostileFor(field, prng);
  return [`${name}.${label}`, withKey(valid, name, value)];
}

/** A text value with the canary, some Unicode and the given length: odd but legal. */
export function oddText(prng: Prng, max: number): string {
  const base = prng.pick([
    `Ñandú 𝔘 ${CANARY}`,
    `${CANARY} \u202e rtl`,
    `${CANARY}\ttab\nnewline`,
    `émoji 🦷 ${CANARY}`,
  ]);
  return prng.chance(0.3) ? (base + 'z'.repeat(max)).slice(0, max) : base;
}
