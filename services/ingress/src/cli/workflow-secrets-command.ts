import { parseArgs } from 'node:util';
import {
  createWorkflowSecret,
  type Executor,
  listWorkflowSecrets,
  revokeWorkflowSecret,
} from '@ghl-bridge/db';
import { locationIdProblem } from '../staff/fields.js';
import type { CliOutput } from './keys-command.js';

const WORKFLOW_SECRETS_USAGE = `Usage:
  ghl-bridge workflow-secrets create --location <location id> --name <name>
  ghl-bridge workflow-secrets list
  ghl-bridge workflow-secrets revoke <id>
`;

const HEADER = 'X-GHL-Bridge-Secret';

/**
 * `workflow-secrets …` subcommands; returns the exit code. A secret belongs to one location,
 * and is printed once, at creation, with how to put it in GHL's workflow action.
 */
export async function runWorkflowSecretsCommand(
  db: Executor,
  args: readonly string[],
  io: CliOutput,
): Promise<number> {
  const [action, ...rest] = args;
  if (action === 'create') {
    const { values } = parseArgs({
      args: [...rest],
      options: { name: { type: 'string' }, location: { type: 'string' } },
      strict: true,
    });
    const locationId = values.location?.trim() ?? '';
    const name = values.name?.trim() ?? '';
    if (!name || !locationId || locationId.includes(',')) {
      io.err(`workflow-secrets create needs --name and one --location\n${WORKFLOW_SECRETS_USAGE}`);
      return 2;
    }
    const problem = locationIdProblem(locationId);
    if (problem) {
      io.err(`${problem}\n`);
      return 2;
    }
    const { workflowSecret, secret } = await createWorkflowSecret(db, { locationId, name });
    io.out(
      `Created workflow secret ${workflowSecret.id} (${name}) for location ${locationId}.\n` +
        `In the workflow's Custom Webhook action, add the header ${HEADER} with this value\n` +
        `(shown once, store it now):\n${secret}\n`,
    );
    return 0;
  }
  if (action === 'list') {
    const secrets = await listWorkflowSecrets(db);
    if (secrets.length === 0) io.out('No workflow secrets.\n');
    for (const s of secrets) {
      const state = s.revokedAt ? `revoked ${s.revokedAt.toISOString()}` : 'active';
      io.out(`${s.id}  ${s.secretPrefix}…  ${s.name}  [${s.locationId}]  ${state}\n`);
    }
    return 0;
  }
  if (action === 'revoke' && rest.length === 1 && rest[0]) {
    const id = rest[0];
    if (!/^[0-9a-f-]{36}$/i.test(id)) {
      io.err(`Not a workflow secret id: ${id}\n`);
      return 2;
    }
    if (!(await revokeWorkflowSecret(db, id))) {
      io.err(`No active workflow secret ${id}\n`);
      return 1;
    }
    io.out(`Revoked workflow secret ${id}\n`);
    return 0;
  }
  io.err(WORKFLOW_SECRETS_USAGE);
  return 2;
}
