import type { Redis } from 'ioredis';
import { isCluster, type RedisClient } from './create-redis.js';

/**
 * Deletes every key under `prefix` (a test's or bench's namespace), with SCAN so Redis keeps
 * serving others meanwhile. On a cluster each master is scanned on its own (SCAN sees one
 * node) and keys are unlinked one per command, since one UNLINK of keys from several slots
 * is refused. Returns how many keys were deleted.
 */
export async function deleteKeys(client: RedisClient, prefix: string): Promise<number> {
  const nodes = isCluster(client) ? client.nodes('master') : [client];
  const counts = await Promise.all(nodes.map((node) => deleteOnNode(node, prefix)));
  return counts.reduce((sum, n) => sum + n, 0);
}

async function deleteOnNode(node: Redis, prefix: string): Promise<number> {
  // Only * ? [ ] \ are special in a MATCH pattern; braces are literal.
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}:*`;
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) {
      const replies = (await node.pipeline(keys.map((key) => ['unlink', key])).exec()) ?? [];
      deleted += replies.reduce((sum, [error, n]) => (error ? sum : sum + Number(n)), 0);
    }
  } while (cursor !== '0');
  return deleted;
}
