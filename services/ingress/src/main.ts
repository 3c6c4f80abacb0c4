import { loadConfig, resolveEnv } from '@ghl-bridge/config';
import { onShutdownSignal } from '@ghl-bridge/observability';
import { createIngress } from './create-ingress.js';

const { env, notes } = resolveEnv(process.env);
const config = loadConfig(env);
const ingress = await createIngress(config);
for (const note of notes) ingress.log.info(note);
onShutdownSignal(ingress.log, ingress.shutdownSteps, config.shutdownTimeoutMs);
await ingress.app.listen({ host: config.http.host, port: config.http.port });
