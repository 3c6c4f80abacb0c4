import { type Cita, type CitaChangeOrigin, citas, type Executor } from '@ghl-bridge/db';
import { inArray } from 'drizzle-orm';
import { appendChanges, type ChangeEntry } from './change-log.js';
import { changedFields, changeKind, type SyncHint } from './changed-fields.js';
import { settleConflicts } from './conflicts.js';

interface Touched {
  /** The row as it was before this transaction wrote it; null for a new cita. */
  before: Cita | null;
  hint?: SyncHint | undefined;
  /** The write cannot have moved the cita's slot (sync results), so conflicts need no look. */
  slotUnchanged: boolean;
}

/**
 * The writes one transaction makes to citas, gathered so that, at the end, conflicts are
 * settled on both sides and each cita whose visible state changed gets exactly one change row.
 * Every module that writes a cita row does it through one of these (see `writeCitas`).
 */
export class CitaWrites {
  readonly #touched = new Map<string, Touched>();

  constructor(
    readonly tx: Executor,
    readonly origin: CitaChangeOrigin,
  ) {}

  /** Records that `id` is being written. The first `before` given for a cita is kept. */
  touch(id: string, before: Cita | null, options: { hint?: SyncHint; slotUnchanged?: boolean } = {}): void {
    if (this.#touched.has(id)) return;
    this.#touched.set(id, { before, hint: options.hint, slotUnchanged: options.slotUnchanged ?? false });
  }

  /** Settles conflicts, appends the changes and answers every touched cita as it now is. */
  async finish(): Promise<Map<string, Cita>> {
    if (this.#touched.size === 0) return new Map();
    const moved = [...this.#touched].filter(([, t]) => !t.slotUnchanged);
    const neighbours = await settleConflicts(
      this.tx,
      moved.map(([id]) => id),
      moved.flatMap(([, t]) => t.before?.conflictWith ?? []),
    );
    const ids = [...new Set([...this.#touched.keys(), ...neighbours.keys()])];
    const rows = await this.tx.select().from(citas).where(inArray(citas.id, ids));
    const after = new Map(rows.map((row) => [row.id, row]));

    const entries: ChangeEntry[] = [];
    for (const id of ids) {
      const cita = after.get(id);
      if (!cita) continue;
      const touched = this.#touched.get(id);
      const heldBefore = neighbours.get(id);
      // A neighbour was written only in its conflicts: its row before differs in nothing else.
      const before = touched ? touched.before : { ...cita, conflictWith: heldBefore ?? cita.conflictWith };
      const changed = changedFields(before, cita);
      if (before && changed.length === 0) continue;
      entries.push({ citaId: id, kind: changeKind(before, cita, changed, touched?.hint), changed });
    }
    await appendChanges(this.tx, this.origin, entries);
    return after;
  }
}

/**
 * Runs `work` with a fresh set of writes in transaction `tx`, then finishes them. The only way
 * this package writes a cita: no write can skip its change.
 */
export async function writeCitas<T>(
  tx: Executor,
  origin: CitaChangeOrigin,
  work: (writes: CitaWrites) => Promise<T>,
): Promise<{ result: T; citas: Map<string, Cita> }> {
  const writes = new CitaWrites(tx, origin);
  const result = await work(writes);
  return { result, citas: await writes.finish() };
}
