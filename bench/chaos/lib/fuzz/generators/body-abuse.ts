import { type Field, mutateBody } from '../fields.js';
import { contentTypeVariant } from '../headers.js';
import { brokenBody, type Json, spliceInvalidUtf8, toJsonText } from '../hostile.js';
import type { Prng } from '../prng.js';
import type { FuzzRequest } from '../raw-http.js';
import { jsonRequest } from './build.js';

/** The body broken at the field level, the JSON level, or sent as another content type. */
export function bodyAbuse(
  prng: Prng,
  base: Omit<FuzzRequest, 'variant' | 'intent' | 'body'>,
  spec: Record<string, Field>,
  valid: { [key: string]: Json },
  strict = true,
): FuzzRequest {
  const roll = prng.next();
  if (roll < 0.6) {
    const [variant, body] = mutateBody(spec, valid, prng, strict);
    return jsonRequest({ ...base, variant: `field.${variant}`, intent: 'hostile' }, body);
  }
  const idName = Object.entries(spec).find(([, f]) => f.kind === 'id')?.[0];
  if (roll < 0.8 || !idName) {
    const broken = brokenBody(prng, toJsonText(valid));
    return jsonRequest({ ...base, variant: broken.label, intent: 'hostile' }, broken.bytes);
  }
  if (roll < 0.9) {
    const ct = contentTypeVariant(prng);
    // A JSON content type with parameters still carries the valid body: anything but a 5xx.
    return jsonRequest({ ...base, variant: ct.label, intent: ct.json ? 'odd' : 'hostile' }, valid, ct.value);
  }
  // Invalid UTF-8 inside an id (which must be visible ASCII): never a valid request.
  const marker = `fz-marker-${prng.chars(6)}`;
  const text = toJsonText({ ...valid, [idName]: marker });
  return jsonRequest(
    { ...base, variant: `body.invalid-utf8-in-${idName}`, intent: 'hostile' },
    spliceInvalidUtf8(text, JSON.stringify(marker), prng),
  );
}
