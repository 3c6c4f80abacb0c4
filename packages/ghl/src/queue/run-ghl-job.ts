import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { runAsBudgetHolder } from '../budget/budget-holder.js';
import { GhlNeedsReauthError, GhlPermanentError, GhlRateLimitedError } from '../errors.js';

export interface RunGhlJobOptions {
  /** Total starts (attempts plus rate-limit delays) before the job gives up: a runaway guard. */
  maxStarts?: number;
  now?: () => number;
}

/**
 * Runs a processor's GHL work as the job's budget holder, and gives each error kind its queue
 * meaning:
 * - rate limited → this job alone moves to delayed until the wait is over, and no attempt is
 *   used (never `queue.rateLimit`, which would pause every location). Our budget holds the
 *   slot it named for the job's next run; after a GHL 429 the wake-ups are spread with jitter;
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
    return await runAsBudgetHolder(`${job.queueName}:${job.id}`, work);
  } catch (error) {
    if (error instanceof GhlRateLimitedError) {
      if ((job.attemptsStarted ?? 0) >= maxStarts) {
        throw new UnrecoverableError(`gave up after ${maxStarts} starts: ${error.message}`);
      }
      await job.moveToDelayed(now() + wakeAfter(error), token);
      throw new DelayedError();
    }
    if (error instanceof GhlPermanentError || error instanceof GhlNeedsReauthError) {
      // The message names the problem (GHL's status, message and traceId; the install to authorise
      // again); a class name would only say which branch of ours saw it.
      throw new UnrecoverableError(error.message);
    }
    throw error;
  }
}

/**
 * Redis checks blocking timeouts at its `hz` (10 per second by default), so a delayed job wakes
 * up to 100 ms late. A job holding a budget slot wakes that much early and waits for the slot in
 * process. After a GHL 429 the window's end is a guess and every job wakes for it: they are spread.
 */
const WAKE_PRECISION_MS = 100;

function wakeAfter(error: GhlRateLimitedError): number {
  if (error.source === 'budget') return Math.max(0, error.waitMs - WAKE_PRECISION_MS);
  return error.waitMs + Math.random() * Math.min(1000, error.waitMs * 0.2);
}
