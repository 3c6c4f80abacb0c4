export { GHL_ED25519_PUBLIC_KEY, GHL_RSA_PUBLIC_KEY } from './ghl-public-keys.js';
export { type Config, ConfigError, loadConfig } from './load-config.js';
export {
  DEFAULT_DATABASE_URL,
  DEFAULT_QUEUE_PREFIX,
  deriveSandbox,
  describeDatabase,
  GHL_CREDENTIALS,
  isSandboxMode,
  type ResolvedEnv,
  resolveEnv,
  START_VARIABLES,
} from './resolve-env.js';
