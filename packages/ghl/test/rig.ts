import { Writable } from 'node:stream';
import type { Config } from '@ghl-bridge/config';
import type { Db } from '@ghl-bridge/db';
import type { RunningSandbox } from '@ghl-bridge/ghl-sandbox';
import { createLogger, createMetrics } from '@ghl-bridge/observability';
import type { Redis } from 'ioredis';
import { createGhl } from '../src/index.js';

/** Every log line the rig's loggers wrote, so a test can prove no token leaked. */
export const capturedLogs: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    capturedLogs.push(String(chunk));
    done();
  },
});

/** Config pointing the GHL pieces at a sandbox, with overrides for budgets and lock timing. */
export function sandboxConfig(
  config: Config,
  sandbox: RunningSandbox,
  ghl: Partial<Config['ghl']> = {},
): Config {
  return {
    ...config,
    ghl: {
      ...config.ghl,
      apiBaseUrl: sandbox.url,
      clientId: sandbox.clientId,
      clientSecret: sandbox.clientSecret,
      ...ghl,
    },
  };
}

/** One "process" worth of GHL wiring: its own token manager, caches and budget client. */
export function ghlFor(config: Config, db: Db, redis: Redis) {
  const metrics = createMetrics();
  const log = createLogger({ name: 'ghl-test', level: 'debug', destination: sink });
  return { ...createGhl({ config, db, redis, log, metrics: metrics.ghl }), metrics };
}
