export { GHL_ED25519_PUBLIC_KEY, GHL_RSA_PUBLIC_KEY } from './ghl-public-keys.js';
export { type Config, ConfigError, loadConfig } from './load-config.js';
