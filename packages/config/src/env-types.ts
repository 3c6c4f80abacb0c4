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

/**
 * `host:port,host:port` (IPv6 hosts in brackets), e.g. some nodes of a Redis Cluster. Parsed to
 * `{ host, port }` so a typo stops the process at start rather than at its first command.
 */
export const envHostPorts = z
  .string()
  .max(4096)
  .transform((value, context) => {
    const nodes: Array<{ host: string; port: number }> = [];
    for (const entry of value.split(',').map((part) => part.trim())) {
      const match = /^(?:\[([^\]]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(entry);
      const port = Number(match?.[3]);
      const host = match?.[1] ?? match?.[2];
      if (!host || !(port >= 1 && port <= 65535)) {
        context.addIssue({ code: 'custom', message: 'must be host:port pairs separated by commas' });
        return z.NEVER;
      }
      nodes.push({ host, port });
    }
    return nodes;
  });

const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * A comma-separated list of durations such as `5s,5m,2h` (units ms, s, m, h), in milliseconds.
 * Each must be under a day and the list at most 20 long.
 */
export const envDurationList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, context) => {
      const parts = v.split(',').map((p) => p.trim());
      const durations = parts.map((part) => {
        const match = /^(\d{1,9})(ms|s|m|h)$/.exec(part);
        return match ? Number(match[1]) * DURATION_UNITS_MS[match[2] as keyof typeof DURATION_UNITS_MS] : NaN;
      });
      if (parts.length > 20 || durations.some((d) => !(d > 0 && d <= 86_400_000))) {
        context.addIssue({
          code: 'custom',
          message: 'must be 1 to 20 comma-separated durations like 5s,5m,2h (ms, s, m, h; each under a day)',
        });
        return z.NEVER;
      }
      return durations;
    });

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
