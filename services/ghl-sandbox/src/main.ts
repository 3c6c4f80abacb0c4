import { readFile } from 'node:fs/promises';
import { resolveEnv } from '@ghl-bridge/config';
import { buildSandbox } from './app.js';
import { loadConfig } from './config.js';

/** Standalone sandbox: reads env (the only file that does), listens, prints the webhook keys. */
const { env, notes } = resolveEnv(process.env, { dotEnvPrefix: 'GHL_SANDBOX_' });
const config = loadConfig(env);
const seed = config.seedFile ? JSON.parse(await readFile(config.seedFile, 'utf8')) : undefined;
const { app, state, seedResult, restored } = await buildSandbox({ ...config.sandbox, seed });
await app.listen({ host: config.host, port: config.port });
state.log.info(
  {
    url: `http://${config.host}:${config.port}`,
    clientId: state.options.clientId,
    seeded: seedResult,
    ...(config.sandbox.stateFile ? { stateFile: config.sandbox.stateFile, restored } : {}),
  },
  'ghl-sandbox listening',
);
for (const note of notes) state.log.info(note);
// The webhook keys go to stdout as plain PEM so they can be pasted into a receiver's config.
process.stdout.write(`X-GHL-Signature (Ed25519) public key:\n${state.signer.publicKeys.ed25519}\n`);
process.stdout.write(`x-wh-signature (RSA) public key:\n${state.signer.publicKeys.rsa}\n`);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (closing) return;
    closing = true;
    void app.close().then(() => process.exit(0));
  });
}
