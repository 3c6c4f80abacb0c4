import { createRequire } from 'node:module';

interface CalculateSlot {
  /** The Redis Cluster slot (0..16383) of a key, honouring its {hash tag}. */
  (key: string | Buffer): number;
  /** The slot every key shares, or -1 when they do not all share one. */
  generateMulti(keys: ReadonlyArray<string | Buffer>): number;
}

// cluster-key-slot is the slot function ioredis itself routes by; it ships no types, hence the
// typed require rather than an import.
export const hashSlot = createRequire(import.meta.url)('cluster-key-slot') as CalculateSlot;
