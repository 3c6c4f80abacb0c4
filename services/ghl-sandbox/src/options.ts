import type { Logger } from 'pino';
import type { FaultRule } from './http/faults.js';
import type { RateLimitConfig } from './http/rate-limit.js';
import type { SeedInput } from './seed.js';
import type { WebhookDeliveryOptions } from './webhooks/dispatcher.js';

/** Everything `buildSandbox` / `startSandbox` accept. All fields optional; defaults mirror GHL. */
export interface SandboxOptions {
  /** OAuth client id. GHL's look like `<appId>-<suffix>`; the appId is the part before the first `-`. */
  clientId?: string;
  clientSecret?: string;
  /** `appId` in INSTALL/UNINSTALL webhooks and tokens (default: derived from clientId). */
  appId?: string;
  /** `versionId` in INSTALL webhooks. */
  versionId?: string;
  /** Access-token lifetime in seconds (GHL: 86399). */
  accessTokenTtlSec?: number;
  /** Per app and location/company budgets (GHL: 100 per 10 s, 200,000 per day). */
  rateLimit?: Partial<RateLimitConfig>;
  /** Webhook target and delivery behaviour. */
  webhook?: Partial<WebhookDeliveryOptions>;
  /** Faults active from the start. */
  faults?: FaultRule[];
  /** Records loaded at start. */
  seed?: SeedInput;
  /** Seed for the PRNG behind faults and delivery chaos; random when unset. */
  randomSeed?: number;
  /** pino level for the sandbox logger (default 'warn'). Ignored when `logger` is given. */
  logLevel?: string;
  logger?: Logger;
  /** How many requests the inspection log keeps (default 1000; 0 disables the log, not the counters). */
  requestLogSize?: number;
  /** RSA webhook key size (GHL: 4096; default 2048 so test start-up stays fast). */
  rsaModulusLength?: number;
  /**
   * JSON file the simulated state lives in across restarts: loaded at start when it exists
   * (then `seed` is not applied), saved shortly after each change and on close. Unset: in memory.
   */
  stateFile?: string;
  /** How long after a change the state file is written (default 100 ms). */
  stateSaveDelayMs?: number;
}

export interface ResolvedOptions {
  clientId: string;
  clientSecret: string;
  appId: string;
  versionId: string;
  accessTokenTtlSec: number;
  requestLogSize: number;
  rsaModulusLength: number;
}

export const DEFAULT_CLIENT_ID = '6650aa5e0f5b1e0012345678-sandbox';
export const DEFAULT_CLIENT_SECRET = 'sandbox-client-secret';

export function resolveOptions(o: SandboxOptions): ResolvedOptions {
  const clientId = o.clientId ?? DEFAULT_CLIENT_ID;
  return {
    clientId,
    clientSecret: o.clientSecret ?? DEFAULT_CLIENT_SECRET,
    appId: o.appId ?? clientId.split('-')[0] ?? clientId,
    versionId: o.versionId ?? clientId.split('-')[0] ?? clientId,
    accessTokenTtlSec: o.accessTokenTtlSec ?? 86399,
    requestLogSize: o.requestLogSize ?? 1000,
    rsaModulusLength: o.rsaModulusLength ?? 2048,
  };
}
