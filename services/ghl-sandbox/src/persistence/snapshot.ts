import { z } from 'zod';
import type { SandboxState } from '../state.js';
import type { PrivateKeys } from '../webhooks/signer.js';

/**
 * The simulated GHL as JSON: every record collection of the store and every token, refresh
 * token and pending code of the token store, the clock offset and the webhook signing keys.
 * Collections are found by walking the objects' own Map and Set fields, so a collection
 * added later (installs, company tokens) is kept without touching this file. Not kept:
 * faults, rate-limit settings and windows, webhook delivery options, pending deliveries,
 * counters and the request log.
 */
const STATE_FORMAT = 'ghl-sandbox-state';
const STATE_VERSION = 1;

const collection = z.union([
  z.object({ map: z.array(z.tuple([z.unknown(), z.unknown()])) }),
  z.object({ set: z.array(z.unknown()) }),
]);
type Collection = z.infer<typeof collection>;

export const snapshotSchema = z.object({
  format: z.literal(STATE_FORMAT),
  version: z.literal(STATE_VERSION),
  savedAt: z.string(),
  clockOffsetMs: z.number(),
  signingKeys: z.object({ ed25519: z.string(), rsa: z.string() }) satisfies z.ZodType<PrivateKeys>,
  store: z.record(z.string(), collection),
  tokens: z.record(z.string(), collection),
});

export type Snapshot = z.infer<typeof snapshotSchema>;

function collect(owner: object): Record<string, Collection> {
  const out: Record<string, Collection> = {};
  for (const [name, value] of Object.entries(owner)) {
    if (value instanceof Map) out[name] = { map: [...value.entries()] };
    else if (value instanceof Set) out[name] = { set: [...value] };
  }
  return out;
}

/** Fills `owner`'s collections from `saved`; returns the names `owner` no longer has. */
function fill(owner: object, saved: Record<string, Collection>): string[] {
  const unknown: string[] = [];
  const fields = owner as Record<string, unknown>;
  for (const [name, c] of Object.entries(saved)) {
    const target = fields[name];
    if (target instanceof Map && 'map' in c) {
      target.clear();
      for (const [k, v] of c.map) target.set(k, v);
    } else if (target instanceof Set && 'set' in c) {
      target.clear();
      for (const v of c.set) target.add(v);
    } else {
      unknown.push(name);
    }
  }
  return unknown;
}

export function takeSnapshot(state: SandboxState): Snapshot {
  return {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    savedAt: new Date(state.clock.now()).toISOString(),
    clockOffsetMs: state.clock.offset,
    signingKeys: state.signer.privateKeys(),
    store: collect(state.store),
    tokens: collect(state.tokens),
  };
}

/** Loads records, tokens and the clock offset into a fresh state (keys go to the signer first). */
export function restoreSnapshot(state: SandboxState, snapshot: Snapshot): void {
  const unknown = [...fill(state.store, snapshot.store), ...fill(state.tokens, snapshot.tokens)];
  if (unknown.length > 0)
    state.log.warn({ unknown }, 'state file has collections this sandbox does not keep');
  state.clock.advance(snapshot.clockOffsetMs - state.clock.offset);
}
