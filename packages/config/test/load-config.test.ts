import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../src/env-schema.js';
import { ConfigError, loadConfig, START_VARIABLES } from '../src/index.js';

describe('loadConfig', () => {
  it('gives defaults pointing at 127.0.0.1 for an empty environment', () => {
    const config = loadConfig({});
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/ghl_bridge');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.http).toEqual({
      host: '127.0.0.1',
      port: 3000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
    });
    expect(config.webhooks.rsaEnabled).toBe(false);
    expect(config.webhooks.ed25519PublicKey).toContain('BEGIN PUBLIC KEY');
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.webhooks)).toBe(true);
    expect(Object.isFrozen(config.ghl.bootstrap)).toBe(true);
  });

  it('rejects a bad environment with every bad variable named in one error', () => {
    const bad = {
      PORT: 'eighty',
      DATABASE_URL: 'mysql://127.0.0.1/x',
      REDIS_URL: 'not a url',
      GHL_WEBHOOK_RSA_ENABLED: 'maybe',
      GHL_WEBHOOK_PUBLIC_KEY: 'not-a-key',
      LOG_LEVEL: 'loud',
    };
    let error: unknown;
    try {
      loadConfig(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const named = (error as ConfigError).problems.map((p) => p.variable).sort();
    expect(named).toEqual(Object.keys(bad).sort());
    for (const variable of Object.keys(bad)) expect((error as ConfigError).message).toContain(variable);
  });

  it('never echoes a bad value, which may be a secret', () => {
    expect(() => loadConfig({ GHL_WEBHOOK_SECRET: 'short-secret' })).toThrow(/GHL_WEBHOOK_SECRET/);
    expect(() => loadConfig({ GHL_WEBHOOK_SECRET: 'short-secret' })).not.toThrow(/short-secret/);
  });

  it("takes GHL_WEBHOOK_SECRET as GHL_LOCATION_ID's workflow secret, and refuses it without a location", () => {
    const secret = 'workflow-secret-0123456789';
    expect(() => loadConfig({ GHL_WEBHOOK_SECRET: secret })).toThrow(/GHL_WEBHOOK_SECRET: .*GHL_LOCATION_ID/);
    const config = loadConfig({ GHL_WEBHOOK_SECRET: secret, GHL_LOCATION_ID: 'loc-1' });
    expect(config.webhooks.configuredSecret).toEqual({ secret, locationId: 'loc-1' });
    expect(loadConfig({ GHL_LOCATION_ID: 'loc-1' }).webhooks.configuredSecret).toBeUndefined();
  });

  it('treats empty strings as unset and accepts \\n-escaped PEM keys', () => {
    const pem = loadConfig({}).webhooks.ed25519PublicKey;
    const config = loadConfig({ PORT: '', GHL_WEBHOOK_PUBLIC_KEY: pem.replaceAll('\n', '\\n') });
    expect(config.http.port).toBe(3000);
    expect(config.webhooks.ed25519PublicKey).toBe(pem);
  });

  it('requires a token encryption key in production only', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /TOKEN_ENCRYPTION_KEY: is required in production/,
    );
    expect(loadConfig({}).ghl.tokens.usingDevelopmentKey).toBe(true);
    const key = Buffer.alloc(32, 7).toString('base64');
    const config = loadConfig({ NODE_ENV: 'production', TOKEN_ENCRYPTION_KEY: key });
    expect(config.ghl.tokens.encryptionKey.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(() => loadConfig({ TOKEN_ENCRYPTION_KEY: 'c2hvcnQ=' })).toThrow(/32 bytes/);
  });

  it('parses booleans and numbers from their string forms', () => {
    const config = loadConfig({ GHL_WEBHOOK_RSA_ENABLED: 'TRUE', PORT: '8080', WORKER_CONCURRENCY: '4' });
    expect(config.webhooks.rsaEnabled).toBe(true);
    expect(config.http.port).toBe(8080);
    expect(config.worker.concurrency).toBe(4);
  });
});

describe('Redis settings', () => {
  it('reads a cluster from REDIS_CLUSTER_NODES, IPv6 hosts in brackets', () => {
    const config = loadConfig({
      REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b.internal:7001,[::1]:7002',
      REDIS_PASSWORD: 'cluster-password',
      REDIS_TLS: 'true',
    });
    expect(config.redis.clusterNodes).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'redis-b.internal', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    expect(config.redis).toMatchObject({ password: 'cluster-password', tls: true, ackReplicas: 0 });
  });

  it('uses one Redis when no cluster is named', () => {
    const config = loadConfig({ REDIS_URL: 'rediss://user:secret@redis.internal:6380' });
    expect(config.redis.clusterNodes).toBeUndefined();
    expect(config.redis.url).toBe('rediss://user:secret@redis.internal:6380');
    expect(config.redis.queuePrefix).toBe('ghlb');
  });

  it('rejects a malformed node list without echoing it', () => {
    for (const nodes of ['10.0.0.1', '10.0.0.1:0', 'a:1,,b:2', 'host:port', '10.0.0.1:70000']) {
      expect(() => loadConfig({ REDIS_CLUSTER_NODES: nodes })).toThrow(
        /REDIS_CLUSTER_NODES: must be host:port/,
      );
    }
    const refusal = (() => {
      try {
        loadConfig({ REDIS_CLUSTER_NODES: 'secret-host' });
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(ConfigError);
    expect((refusal as Error).message).toMatch(/REDIS_CLUSTER_NODES/);
    expect((refusal as Error).message).not.toMatch(/secret-host/);
  });

  it('rejects braces in QUEUE_PREFIX, since hash tags are added per queue and per location', () => {
    expect(() => loadConfig({ QUEUE_PREFIX: '{ghlb}' })).toThrow(/QUEUE_PREFIX: .*no braces/);
    expect(loadConfig({ QUEUE_PREFIX: 'clinic-2' }).redis.queuePrefix).toBe('clinic-2');
  });
});

describe('NOTIFICATION_RETRY_SCHEDULE', () => {
  it("defaults to Svix's schedule and reads units, so tests can run it in seconds", () => {
    expect(loadConfig({}).notifications.retryScheduleMs).toEqual([
      5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
    expect(
      loadConfig({ NOTIFICATION_RETRY_SCHEDULE: '250ms, 1s,2m,1h' }).notifications.retryScheduleMs,
    ).toEqual([250, 1000, 120_000, 3_600_000]);
  });

  it('refuses what is not a short list of durations under a day', () => {
    for (const bad of ['5', '5x', '0s', '25h', '1s,,2s', Array(21).fill('1s').join(',')])
      expect(() => loadConfig({ NOTIFICATION_RETRY_SCHEDULE: bad }), bad).toThrow(
        /NOTIFICATION_RETRY_SCHEDULE/,
      );
  });
});

describe('.env.example', () => {
  it('documents every variable the schema reads, and no other', async () => {
    const text = await readFile(new URL('../../../.env.example', import.meta.url), 'utf8');
    const documented = [...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.keys(envSchema.shape).sort());
  });

  it('holds values that load as they stand', async () => {
    const text = await readFile(new URL('../../../.env.example', import.meta.url), 'utf8');
    const env = Object.fromEntries([...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    expect(() => loadConfig(env)).not.toThrow();
  });
});

describe("the README's configuration table", () => {
  it('lists every variable the schema reads and the ones only npm start reads, and no other', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('\n## Configuration\n');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const listed = [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual([...Object.keys(envSchema.shape), ...START_VARIABLES].sort());
  });
});
