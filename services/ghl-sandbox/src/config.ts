import { z } from 'zod';
import type { SandboxOptions } from './options.js';

const num = z.coerce.number();
const rate = z.coerce.number().min(0).max(1);

const envSchema = z.object({
  PORT: z.coerce.number().int().default(4010),
  HOST: z.string().default('127.0.0.1'),
  GHL_SANDBOX_CLIENT_ID: z.string().optional(),
  GHL_SANDBOX_CLIENT_SECRET: z.string().optional(),
  GHL_SANDBOX_WEBHOOK_URL: z.string().url().optional(),
  GHL_SANDBOX_TOKEN_TTL_SEC: num.optional(),
  GHL_SANDBOX_RATE_MAX: num.optional(),
  GHL_SANDBOX_RATE_INTERVAL_MS: num.optional(),
  GHL_SANDBOX_RATE_DAILY: num.optional(),
  GHL_SANDBOX_SEED_FILE: z.string().optional(),
  GHL_SANDBOX_WEBHOOK_RETRY_SPACING_MS: num.optional(),
  GHL_SANDBOX_WEBHOOK_DELAY_MS: num.optional(),
  GHL_SANDBOX_WEBHOOK_DUPLICATE_RATE: rate.optional(),
  GHL_SANDBOX_WEBHOOK_OUT_OF_ORDER_RATE: rate.optional(),
  GHL_SANDBOX_WEBHOOK_DROP_RATE: rate.optional(),
  GHL_SANDBOX_FAULTS: z.string().optional(),
  GHL_SANDBOX_RANDOM_SEED: num.optional(),
  GHL_SANDBOX_RSA_BITS: num.optional(),
  GHL_SANDBOX_STATE_FILE: z.string().min(1).optional(),
  LOG_LEVEL: z.string().default('info'),
});

export interface SandboxConfig {
  port: number;
  host: string;
  seedFile?: string;
  sandbox: SandboxOptions;
}

/** Parses the environment once; every bad variable is reported in one error. */
export function loadConfig(env: Record<string, string | undefined>): Readonly<SandboxConfig> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      `Bad ghl-sandbox environment:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  const e = parsed.data;
  const defined = <T extends object>(o: T): Partial<T> =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    seedFile: e.GHL_SANDBOX_SEED_FILE,
    sandbox: {
      clientId: e.GHL_SANDBOX_CLIENT_ID,
      clientSecret: e.GHL_SANDBOX_CLIENT_SECRET,
      accessTokenTtlSec: e.GHL_SANDBOX_TOKEN_TTL_SEC,
      rateLimit: defined({
        max: e.GHL_SANDBOX_RATE_MAX,
        intervalMs: e.GHL_SANDBOX_RATE_INTERVAL_MS,
        daily: e.GHL_SANDBOX_RATE_DAILY,
      }),
      webhook: defined({
        url: e.GHL_SANDBOX_WEBHOOK_URL,
        retrySpacingMs: e.GHL_SANDBOX_WEBHOOK_RETRY_SPACING_MS,
        delayMs: e.GHL_SANDBOX_WEBHOOK_DELAY_MS,
        duplicateRate: e.GHL_SANDBOX_WEBHOOK_DUPLICATE_RATE,
        outOfOrderRate: e.GHL_SANDBOX_WEBHOOK_OUT_OF_ORDER_RATE,
        dropRate: e.GHL_SANDBOX_WEBHOOK_DROP_RATE,
      }),
      faults: e.GHL_SANDBOX_FAULTS ? JSON.parse(e.GHL_SANDBOX_FAULTS) : undefined,
      randomSeed: e.GHL_SANDBOX_RANDOM_SEED,
      rsaModulusLength: e.GHL_SANDBOX_RSA_BITS ?? 4096,
      stateFile: e.GHL_SANDBOX_STATE_FILE,
      logLevel: e.LOG_LEVEL,
    },
  });
}
