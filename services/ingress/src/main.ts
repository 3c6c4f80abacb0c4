import { loadConfig } from '@ghl-bridge/config';
import { onShutdownSignal } from '@ghl-bridge/observability';
import { createIngress } from './create-ingress.js';

const config = loadConfig(process.env);
const ingress = await createIngress(config);
onShutdownSignal(ingress.log, ingress.shutdownSteps, config.shutdownTimeoutMs);
await ingress.app.listen({ host: config.http.host, port: config.http.port });
