import { loadConfig, resolveEnv } from '@ghl-bridge/config';
import { onShutdownSignal } from '@ghl-bridge/observability';
import { createWorker } from './create-worker.js';

const { env, notes } = resolveEnv(process.env);
const config = loadConfig(env);
const worker = await createWorker(config);
for (const note of notes) worker.log.info(note);
onShutdownSignal(worker.log, worker.shutdownSteps, config.shutdownTimeoutMs);
