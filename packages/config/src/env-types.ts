import { createPublicKey } from 'node:crypto';
import { z } from 'zod';

// Building blocks for reading strings out of the environment into typed values.

/** `true/false/1/0/yes/no`, case-insensitive; anything else is an error, not `false`. */
export const envBoolean = (fallback: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no']))
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .default(fallback);

export const envInt = (fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const envUrl = (protocols: RegExp) =>
  z
    .string()
    .trim()
    .refine((v) => URL.canParse(v) && protocols.test(new URL(v).protocol), {
      message: `must be a URL (${protocols.source})`,
    });

/** Empty strings count as unset, so `FOO=` in a .env file does not override a default. */
export const optionalSecret = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/**
 * A public key as PEM; `\n` escapes are accepted because many deploy tools cannot hold
 * multi-line variables. Parsed here so a broken key stops the process at start.
 */
export const envPublicKey = (keyType: 'ed25519' | 'rsa', fallback: string) =>
  z
    .string()
    .transform((v) => v.replaceAll('\\n', '\n').trim())
    .refine(
      (pem) => {
        try {
          return createPublicKey(pem).asymmetricKeyType === keyType;
        } catch {
          return false;
        }
      },
      { message: `must be a PEM-encoded ${keyType} public key` },
    )
    .default(fallback);
