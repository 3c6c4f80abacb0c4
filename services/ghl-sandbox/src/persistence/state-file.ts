import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { SandboxState } from '../state.js';
import { type Snapshot, snapshotSchema, takeSnapshot } from './snapshot.js';

/** Reads a state file; undefined when there is none yet. A file that is not a snapshot throws. */
export async function readStateFile(file: string): Promise<Snapshot | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(
      `ghl-sandbox state file ${file} is not JSON (${(err as Error).message}); move it away to start empty`,
    );
  }
  const parsed = snapshotSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `ghl-sandbox state file ${file} is not a sandbox state (${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}); move it away to start empty`,
    );
  }
  return parsed.data;
}

let tmpCounter = 0;

/** Whole-file replace: a crash leaves the old file or the new one, never half of one. */
async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${++tmpCounter}.tmp`;
  // It holds signing keys and tokens: readable by its owner only.
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, file);
}

/**
 * Saves the state a short delay after a change (changes in that delay share one write), one
 * write at a time, and once more on close. The first save happens at start, so a path that
 * cannot be written fails the start instead of losing every later change.
 */
export class StateSaver {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly state: SandboxState,
    private readonly file: string,
    private readonly delayMs: number,
    private readonly log: Logger,
  ) {}

  /** Something changed: save soon. A failed save is logged; the next change tries again. */
  changed(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((err: unknown) =>
        this.log.error({ err, file: this.file }, 'saving the sandbox state failed'),
      );
    }, this.delayMs);
  }

  /** Saves now (after any write under way); resolves when this state is on disk, rejects if it is not. */
  flush(): Promise<void> {
    // Taken now, so the write holds the state as of this call.
    const text = JSON.stringify(takeSnapshot(this.state));
    const done = this.writing.then(() => writeAtomically(this.file, text));
    this.writing = done.catch(() => undefined);
    return done;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush().catch((err: unknown) =>
      this.log.error({ err, file: this.file }, 'saving the sandbox state on close failed'),
    );
  }
}
