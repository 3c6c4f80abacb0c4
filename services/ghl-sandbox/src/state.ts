import type { Logger } from 'pino';
import type { AppointmentOps } from './domain/appointment-ops.js';
import type { Clock } from './domain/clock.js';
import type { Random } from './domain/prng.js';
import type { Store } from './domain/store.js';
import type { TokenStore } from './domain/tokens.js';
import type { Faults } from './http/faults.js';
import type { Inspection } from './http/inspection.js';
import type { RateLimiter } from './http/rate-limit.js';
import type { ResolvedOptions } from './options.js';
import type { Dispatcher } from './webhooks/dispatcher.js';
import type { Signer } from './webhooks/signer.js';

/** Everything a route needs, passed by hand (no container). */
export interface SandboxState {
  options: ResolvedOptions;
  clock: Clock;
  random: Random;
  store: Store;
  appointments: AppointmentOps;
  tokens: TokenStore;
  limiter: RateLimiter;
  faults: Faults;
  inspection: Inspection;
  dispatcher: Dispatcher;
  signer: Signer;
  log: Logger;
}
