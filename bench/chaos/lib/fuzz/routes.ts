import { loadConfig } from '@ghl-bridge/config';
import { createIngress } from '@ghl-bridge/ingress';
import { createLogger } from '@ghl-bridge/observability';

/**
 * Every route ingress registers, as `METHOD /url` (HEAD routes Fastify adds for each GET
 * included), read from the app itself through its `onRoute` hook: ingress is set up in this
 * process with the same environment the suite's ingress runs with, readied and closed. A route
 * added anywhere in ingress appears here without anyone listing it.
 */
export async function discoverRoutes(env: Record<string, string>): Promise<string[]> {
  const routes = new Set<string>();
  const ingress = await createIngress(loadConfig(env), {
    log: createLogger({ name: 'fuzz-route-discovery', level: 'silent' }),
    onRoute: ({ method, url }) => {
      for (const m of Array.isArray(method) ? method : [method]) routes.add(`${m} ${url}`);
    },
  });
  try {
    await ingress.app.ready();
  } finally {
    await ingress.close();
  }
  return [...routes].sort();
}
