// @ts-check
// How every entry point (npm start, the services, the CLI, migrations) turns the process
// environment into the variables it runs with. Plain JavaScript with no dependencies: npm start
// (scripts/dev.mjs) runs it before anything is installed, and the TypeScript entry points import
// it through @ghl-bridge/config, so there is one way to read configuration, not two.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseEnv } from 'node:util';

/** Defaults the config schema uses as well (env-schema.ts imports them), so sandbox names derive from them. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/ghl_bridge';
export const DEFAULT_QUEUE_PREFIX = 'ghlb';

/** The location the GHL sandbox seeds, unless GHL_LOCATION_ID names another. */
export const SANDBOX_LOCATION_ID = 'location-1';

/** Any of these set means the real GHL; none of them, in development, means sandbox mode. */
export const GHL_CREDENTIALS = ['GHL_CLIENT_ID', 'GHL_ACCESS_TOKEN'];

/**
 * Variables only `npm start` reads (the services' own are the config schema's); the README's
 * configuration table lists both, and a test keeps it so.
 */
export const START_VARIABLES = ['GHL_SANDBOX_PORT', 'GHL_SANDBOX_STATE_FILE'];

/** @typedef {Record<string, string | undefined>} Env */

/**
 * @typedef {object} ResolvedEnv
 * @property {Env} env What the process runs with: the environment over `.env`, plus what sandbox mode derives.
 * @property {string | undefined} dotEnvFile The `.env` file read, if any.
 * @property {{ databaseUrl: string, queuePrefix: string, locationId: string } | undefined} sandbox Set in sandbox mode.
 * @property {string[]} notes What was read or derived, for a person (no secret in them).
 */

/** Empty values count as unset, as in the config schema and most .env tooling. */
const isSet = (/** @type {string | undefined} */ value) => value !== undefined && value !== '';

/**
 * The variables a process runs with: its environment, then `.env` at the project root for what
 * the environment does not set (the environment always wins; tests, NODE_ENV=test, read no
 * `.env`, so a developer's file cannot change them).
 *
 * `sandbox: true` is for the entry points that follow sandbox mode: `npm start` and the operator
 * CLIs. With no GHL credentials in development, they use a database and a queue prefix of their
 * own, derived from the user's (`<database>_sandbox`, `<prefix>-sandbox`), so sandbox data never
 * mixes with real data and the CLI works on what `npm start` runs. Services do not derive: `npm
 * start` hands them the derived values, and whoever starts one by hand gives it what it uses.
 *
 * `dotEnvPrefix` takes only the `.env` variables that start with it: the GHL sandbox reads PORT,
 * HOST and LOG_LEVEL too, and in the project's `.env` those are ghl-bridge's.
 *
 * @param {Env} processEnv
 * @param {{ cwd?: string, sandbox?: boolean, dotEnvPrefix?: string }} [options]
 * @returns {ResolvedEnv}
 */
export function resolveEnv(processEnv, options = {}) {
  const { cwd = process.cwd(), sandbox: followsSandbox = false, dotEnvPrefix = '' } = options;
  const notes = [];
  const dotEnv = processEnv.NODE_ENV === 'test' ? undefined : readDotEnv(findProjectRoot(cwd), dotEnvPrefix);
  /** @type {Env} */
  const env = { ...dotEnv?.values, ...processEnv };
  if (dotEnv) {
    const names = Object.keys(dotEnv.values);
    const taken = names.filter((name) => !(name in processEnv));
    // Under `npm start` the services get the launcher's environment, .env already in it.
    notes.push(
      taken.length === 0 && names.length > 0
        ? `${dotEnv.path}: its ${names.length} variable(s) are already in the environment (which wins)`
        : `read ${taken.length} variable(s) from ${dotEnv.path} (the environment wins over it)`,
    );
  }
  if (!followsSandbox || !isSandboxMode(env))
    return { env, dotEnvFile: dotEnv?.path, sandbox: undefined, notes };

  const sandbox = deriveSandbox(env);
  notes.push(
    `sandbox mode (no ${GHL_CREDENTIALS.join(' or ')}): database ${describeDatabase(sandbox.databaseUrl)}, ` +
      `queue prefix ${sandbox.queuePrefix} (derived from DATABASE_URL and QUEUE_PREFIX)`,
  );
  if (isSet(env.SANDBOX_DATABASE_URL)) {
    notes.push(
      "SANDBOX_DATABASE_URL is no longer read: sandbox mode appends _sandbox to DATABASE_URL's database",
    );
  }
  return {
    // The location too: the services under npm start have it, so the CLI reads the same
    // configuration (GHL_WEBHOOK_SECRET, say, is that location's workflow secret).
    env: {
      ...env,
      DATABASE_URL: sandbox.databaseUrl,
      QUEUE_PREFIX: sandbox.queuePrefix,
      GHL_LOCATION_ID: sandbox.locationId,
    },
    dotEnvFile: dotEnv?.path,
    sandbox,
    notes,
  };
}

/**
 * Sandbox mode: development (the default NODE_ENV) with no GHL credentials. Production and tests
 * never are, whatever they lack.
 * @param {Env} env
 */
export function isSandboxMode(env) {
  const nodeEnv = isSet(env.NODE_ENV) ? env.NODE_ENV : 'development';
  return nodeEnv === 'development' && GHL_CREDENTIALS.every((name) => !isSet(env[name]));
}

/**
 * The user's database with `_sandbox` appended to its name and the user's prefix with `-sandbox`
 * (each left as it is when it already ends so). A malformed DATABASE_URL is left for the config
 * schema to report.
 * @param {Env} env
 */
export function deriveSandbox(env) {
  const databaseUrl = isSet(env.DATABASE_URL) ? String(env.DATABASE_URL) : DEFAULT_DATABASE_URL;
  const prefix = isSet(env.QUEUE_PREFIX) ? String(env.QUEUE_PREFIX) : DEFAULT_QUEUE_PREFIX;
  return {
    databaseUrl: withDatabaseName(databaseUrl, (name) =>
      name.endsWith('_sandbox') ? name : `${name}_sandbox`,
    ),
    queuePrefix: prefix.endsWith('-sandbox') ? prefix : `${prefix}-sandbox`,
    locationId: isSet(env.GHL_LOCATION_ID) ? String(env.GHL_LOCATION_ID) : SANDBOX_LOCATION_ID,
  };
}

/**
 * @param {string} url
 * @param {(name: string) => string} rename
 */
function withDatabaseName(url, rename) {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  // libpq's default database is the user's name.
  const name =
    decodeURIComponent(parsed.pathname.slice(1)) || decodeURIComponent(parsed.username) || 'postgres';
  parsed.pathname = `/${encodeURIComponent(rename(name))}`;
  return parsed.toString();
}

/**
 * A database URL as a person may see it: host, port and name, never the password.
 * @param {string} url
 */
export function describeDatabase(url) {
  if (!URL.canParse(url)) return '(unparsable DATABASE_URL)';
  const parsed = new URL(url);
  return `${decodeURIComponent(parsed.pathname.slice(1))} on ${parsed.host}`;
}

/**
 * The workspace root (the directory holding pnpm-workspace.yaml) at or above `from`; `from`
 * itself where there is none, as in a deployed image.
 * @param {string} from
 */
function findProjectRoot(from) {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) return resolve(from);
  }
}

/**
 * `.env` in `root`, parsed by Node's own parser (the format of `node --env-file`); only the
 * variables whose names start with `prefix`.
 * @param {string} root
 * @param {string} [prefix]
 * @returns {{ path: string, values: Env } | undefined}
 */
function readDotEnv(root, prefix = '') {
  const path = join(root, '.env');
  if (!existsSync(path)) return undefined;
  const values = Object.entries(parseEnv(readFileSync(path, 'utf8'))).filter(([name]) =>
    name.startsWith(prefix),
  );
  return { path, values: Object.fromEntries(values) };
}
