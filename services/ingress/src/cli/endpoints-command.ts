import { parseArgs } from 'node:util';
import {
  addEndpoint,
  commaList,
  disableEndpoint,
  type EndpointAdminDeps,
  type EndpointJson,
  enableEndpoint,
  listEndpoints,
  newEndpointSchema,
  replayEndpoint,
  replaySinceSchema,
  rotateEndpointSecret,
  type SelfAddress,
} from '@ghl-bridge/notifications';
import type { z } from 'zod';
import type { CliOutput } from './keys-command.js';

export const ENDPOINTS_USAGE = `Usage:
  ghl-bridge endpoints add --url <URL> --locations <loc1,loc2> [--kinds cita.created,cita.updated,…]
  ghl-bridge endpoints list
  ghl-bridge endpoints disable <id>
  ghl-bridge endpoints enable <id>
  ghl-bridge endpoints rotate-secret <id>
  ghl-bridge endpoints replay <id> --since <ISO time>
`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a zod refusal says, one line per field, for a person at a terminal. */
const reasons = (error: z.ZodError) =>
  error.issues.map((i) => `  ${i.path.join('.') || 'input'}: ${i.message}`).join('\n');

/**
 * `endpoints …`: RV3's webhook endpoints, by the same rules as /admin/endpoints. Exit codes:
 * 0 done, 1 no such endpoint (or not in a state for it), 2 bad input (with the reason).
 */
export async function runEndpointsCommand(
  args: readonly string[],
  deps: EndpointAdminDeps & { self: SelfAddress },
  io: CliOutput,
): Promise<number> {
  const [action, ...rest] = args;
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(rest);
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n${ENDPOINTS_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;

  if (action === 'add' && positionals.length === 0) {
    const input = newEndpointSchema(deps.self).safeParse({
      url: values.url ?? '',
      locations: commaList(values.locations) ?? [],
      kinds: commaList(values.kinds),
    });
    if (!input.success) {
      io.err(`endpoints add refused:\n${reasons(input.error)}\n${ENDPOINTS_USAGE}`);
      return 2;
    }
    const { endpoint, secret } = await addEndpoint(deps, input.data);
    io.out(
      `Created endpoint ${endpoint.id} for ${endpoint.url} (locations ${endpoint.locations.join(', ')}; ` +
        `${endpoint.kinds.length ? `kinds ${endpoint.kinds.join(', ')}` : 'every kind'}).\n` +
        `Signing secret (shown once, store it now; receivers verify webhook-signature with it):\n${secret}\n`,
    );
    return 0;
  }
  if (action === 'list' && positionals.length === 0) {
    const endpoints = await listEndpoints(deps.db);
    if (endpoints.length === 0) io.out('No endpoints.\n');
    for (const e of endpoints) io.out(`${describe(e)}\n`);
    return 0;
  }

  const id = positionals[0];
  if (positionals.length !== 1 || !id || !UUID.test(id)) {
    io.err(`${action ?? ''} needs one endpoint id\n${ENDPOINTS_USAGE}`);
    return 2;
  }
  if (action === 'replay') {
    const since = replaySinceSchema.safeParse({ since: values.since ?? '' });
    if (!since.success) {
      io.err(`endpoints replay refused:\n${reasons(since.error)}\n${ENDPOINTS_USAGE}`);
      return 2;
    }
    const replay = await replayEndpoint(deps, id, new Date(since.data.since));
    if (replay.outcome === 'not_found') return missing(io, id);
    if (replay.outcome === 'disabled') {
      io.err(`Endpoint ${id} is disabled; enable it first (ghl-bridge endpoints enable ${id})\n`);
      return 1;
    }
    io.out(`Replaying ${replay.deliveries} delivery(ies) to ${id}, in order per cita.\n`);
    return 0;
  }
  if (action === 'rotate-secret') {
    const rotated = await rotateEndpointSecret(deps, id);
    if (!rotated) return missing(io, id);
    io.out(
      `New signing secret for ${id} (shown once, store it now):\n${rotated.secret}\n` +
        `Deliveries are signed with the old secret too until ${rotated.endpoint.previous_secret_valid_until}.\n`,
    );
    return 0;
  }
  if (action === 'disable' || action === 'enable') {
    const toggle =
      action === 'disable' ? await disableEndpoint(deps.db, id) : await enableEndpoint(deps.db, id);
    if (toggle.outcome === 'not_found') return missing(io, id);
    if (toggle.outcome === 'unchanged') {
      io.err(`Endpoint ${id} is already ${action}d\n`);
      return 1;
    }
    io.out(`${action === 'disable' ? 'Disabled' : 'Enabled'} endpoint ${id}\n`);
    return 0;
  }
  io.err(ENDPOINTS_USAGE);
  return 2;
}

function parseFlags(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    options: {
      url: { type: 'string' },
      locations: { type: 'string' },
      kinds: { type: 'string' },
      since: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
}

function missing(io: CliOutput, id: string): number {
  io.err(`No endpoint ${id}\n`);
  return 1;
}

function describe(e: EndpointJson): string {
  const state = e.disabled_at ? `disabled ${e.disabled_at} (${e.disabled_reason})` : 'active';
  const counts = e.deliveries
    ? Object.entries(e.deliveries)
        .map(([status, n]) => `${status}=${n}`)
        .join(' ')
    : '';
  const kinds = e.kinds.length ? e.kinds.join(',') : 'every kind';
  return `${e.id}  ${e.url}  [${e.locations.join(',')}]  ${kinds}  ${e.secret_hint}…  ${state}  ${counts}`;
}
