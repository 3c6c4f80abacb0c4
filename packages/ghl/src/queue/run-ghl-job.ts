import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { GhlNeedsReauthError, GhlPermanentError, GhlRateLimitedError } from '../errors.js';

export interface RunGhlJobOptions {
  /** Total starts (attempts plus rate-limit delays) before the job gives up: a runaway guard. */
  maxStarts?: number;
  now?: () => number;
}

/**
 * Runs a processor's GHL work and gives each error kind its queue meaning:
 * - rate limited → this job alone moves to delayed until the wait is over (plus jitter), and no
 *   attempt is used (never `queue.rateLimit`, which would pause every location);
 * - permanent or needs re-authorisation → `UnrecoverableError`, kept in the failed set;
 * - anything else (transient) → rethrown for BullMQ's exponential backoff.
 */
export async function runGhlJob<T>(
  job: Job,
  token: string | undefined,
  work: () => Promise<T>,
  options: RunGhlJobOptions = {},
): Promise<T> {
  const { maxStarts = 200, now = Date.now } = options;
  try {
    return await work();
  } catch (error) {
    if (error instanceof GhlRateLimitedError) {
      if ((job.attemptsStarted ?? 0) >= maxStarts) {
        throw new UnrecoverableError(`gave up after ${maxStarts} starts: ${error.message}`);
      }
      // Our own budget knows the exact moment a slot frees: a little jitter spreads the wake-ups.
      // After a GHL 429 the window's end is a guess, so waiters are spread wider.
      const spread = error.source === 'budget' ? 10 : Math.min(1000, error.waitMs * 0.2);
      const jitter = Math.random() * spread;
      await job.moveToDelayed(now() + error.waitMs + jitter, token);
      throw new DelayedError();
    }
    if (error instanceof GhlPermanentError || error instanceof GhlNeedsReauthError) {
      throw new UnrecoverableError(`${error.name}: ${error.message}`);
    }
    throw error;
  }
}
