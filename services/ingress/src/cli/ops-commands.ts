import { parseArgs } from 'node:util';
import { type Db, ghlTokens } from '@ghl-bridge/db';
import type { Queues } from '@ghl-bridge/jobs';
import {
  replayFailedWebhooks,
  replayRequestSchema,
  toReplaySelector,
  whyNotReplayed,
} from '../admin/replay-webhooks.js';
import type { CliOutput } from './keys-command.js';
import { reconcileNow } from './reconcile-command.js';

export const OPS_USAGE = `Usage:
  ghl-bridge webhooks replay --id <event id>
  ghl-bridge webhooks replay --since <ISO time>
  ghl-bridge tokens status
  ghl-bridge reconcile now [--location <id>]
  ghl-bridge queues stats
`;

export interface OpsDeps {
  db: Db;
  queues: Queues;
}

/** Operator commands over the real services; each returns its exit code. */
export async function runOpsCommand(
  command: string,
  args: readonly string[],
  deps: OpsDeps,
  io: CliOutput,
): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parseArgs({
    args: [...rest],
    options: { id: { type: 'string' }, since: { type: 'string' }, location: { type: 'string' } },
    strict: true,
  });
  const key = `${command} ${action ?? ''}`;
  if (key === 'webhooks replay') {
    // The admin route's rule: an id PostgreSQL holds, or an ISO time it can store.
    const selector = replayRequestSchema.safeParse({
      id: values.id === undefined ? undefined : /^\d+$/.test(values.id) ? Number(values.id) : Number.NaN,
      since: values.since,
    });
    if (!selector.success) {
      io.err(`webhooks replay needs exactly one of --id <integer> or --since <ISO time>\n${OPS_USAGE}`);
      return 2;
    }
    const chosen = toReplaySelector(selector.data);
    const replayed = await replayFailedWebhooks(deps.db, deps.queues, chosen);
    if ('id' in chosen && replayed.length === 0) {
      io.err(`${(await whyNotReplayed(deps.db, chosen.id)).message}\n`);
      return 1;
    }
    io.out(
      `replayed ${replayed.length} failed webhook event(s)${replayed.length ? `: ${replayed.join(', ')}` : ''}\n`,
    );
    return 0;
  }
  if (key === 'tokens status') {
    const rows = await deps.db
      .select({
        id: ghlTokens.resourceId,
        type: ghlTokens.userType,
        status: ghlTokens.status,
        expiresAt: ghlTokens.expiresAt,
        reason: ghlTokens.statusReason,
        version: ghlTokens.version,
      })
      .from(ghlTokens)
      .orderBy(ghlTokens.resourceId);
    if (rows.length === 0) io.out('no GHL tokens stored\n');
    for (const r of rows) {
      io.out(
        `${r.id}\t${r.type}\t${r.status}\tv${r.version}\taccess expires ${r.expiresAt.toISOString()}${r.reason ? `\t${r.reason}` : ''}\n`,
      );
    }
    return 0;
  }
  if (key === 'reconcile now') return reconcileNow(deps, values.location, io);
  if (key === 'queues stats') {
    for (const [name, queue] of Object.entries(deps.queues)) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
      io.out(
        `${name}\t${Object.entries(counts)
          .map(([state, n]) => `${state}=${n}`)
          .join(' ')}\n`,
      );
    }
    return 0;
  }
  io.err(`unknown command: ${key.trim()}\n${OPS_USAGE}`);
  return 2;
}
