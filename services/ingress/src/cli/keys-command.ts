import { parseArgs } from 'node:util';
import { createApiKey, type Executor, listApiKeys, revokeApiKey } from '@ghl-bridge/db';
import { locationIdProblem } from '../staff/fields.js';

const USAGE = `Usage:
  ghl-bridge keys create --name <name> --locations <loc1,loc2>
  ghl-bridge keys list
  ghl-bridge keys revoke <id>
`;

export interface CliOutput {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** `keys …` subcommands; returns the exit code. The secret is printed once, at creation. */
export async function runKeysCommand(db: Executor, args: readonly string[], io: CliOutput): Promise<number> {
  const [action, ...rest] = args;
  if (action === 'create') {
    const { values } = parseArgs({
      args: [...rest],
      options: { name: { type: 'string' }, locations: { type: 'string' } },
      strict: true,
    });
    const locationIds = (values.locations ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!values.name?.trim() || locationIds.length === 0) {
      io.err(`keys create needs --name and --locations\n${USAGE}`);
      return 2;
    }
    const problem = locationIds.map(locationIdProblem).find(Boolean);
    if (problem) {
      io.err(`${problem}\n`);
      return 2;
    }
    const { apiKey, secret } = await createApiKey(db, { name: values.name.trim(), locationIds });
    io.out(
      `Created API key ${apiKey.id} (${apiKey.name}) for ${locationIds.join(', ')}.\n` +
        `Key (shown once, store it now):\n${secret}\n`,
    );
    return 0;
  }
  if (action === 'list') {
    const keys = await listApiKeys(db);
    if (keys.length === 0) io.out('No API keys.\n');
    for (const key of keys) {
      const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
      io.out(`${key.id}  ${key.keyPrefix}…  ${key.name}  [${key.locationIds.join(',')}]  ${state}\n`);
    }
    return 0;
  }
  if (action === 'revoke' && rest.length === 1 && rest[0]) {
    const id = rest[0];
    if (!/^[0-9a-f-]{36}$/i.test(id)) {
      io.err(`Not a key id: ${id}\n`);
      return 2;
    }
    if (!(await revokeApiKey(db, id))) {
      io.err(`No active API key ${id}\n`);
      return 1;
    }
    io.out(`Revoked API key ${id}\n`);
    return 0;
  }
  io.err(USAGE);
  return 2;
}
