import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { runAsBudgetHolder } from '../budget/budget-holder.js';
import { GhlNeedsReauthError, GhlPermanentError, GhlRateLimitedError } from '../errors.js';

export interface RunGhlJobOptions {
  /** Total starts (attempts plus rate-limit delays) before the job gives up: a runaway guard. */
  maxStarts?: number;
  now?: () => number;
}

const MAX_STARTS = 200;

/**
 * What the queue does with a job that threw `error`: `wait` (moved to delayed, no attempt spent),
 * `fail` (for good, kept in the failed set) or `retry` (BullMQ's backoff, while attempts remain).
 */
export type QueueVerdict = 'wait' | 'fail' | 'retry';

export function queueVerdict(error: unknown, job: Job, maxStarts = MAX_STARTS): QueueVerdict {
  if (error instanceof GhlRateLimitedError) return (job.attemptsStarted ?? 0) >= maxStarts ? 'fail' : 'wait';
  // A job may also move itself to delayed (a notification's own retry schedule).
  if (error instanceof DelayedError) return 'wait';
  if (
    error instanceof GhlPermanentError ||
    error instanceof GhlNeedsReauthError ||
    error instanceof UnrecoverableError
  )
    return 'fail';
  return 'retry';
}

/**
 * True when `error` ends the job: it fails for good, or it was the last attempt. A wait for
 * budget never is. For a processor that must tell its own records the outcome (a cita's sync).
 */
export function isLastWord(error: unknown, job: Job): boolean {
  const verdict = queueVerdict(error, job);
  return verdict === 'fail' || (verdict === 'retry' && job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
}

/**
 * Runs a job's work as the job's budget holder, and gives each GHL error kind its queue meaning
 * (BullMQ's own error types):
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
  const { maxStarts = MAX_STARTS, now = Date.now } = options;
  try {
    return await runAsBudgetHolder(`${job.queueName}:${job.id}`, work);
  } catch (error) {
    switch (queueVerdict(error, job, maxStarts)) {
      case 'wait':
        // A DelayedError: the job already moved itself.
        if (!(error instanceof GhlRateLimitedError)) throw error;
        await job.moveToDelayed(now() + wakeAfter(error), token);
        throw new DelayedError();
      case 'fail':
        if (error instanceof UnrecoverableError) throw error;
        // The message names the problem (GHL's status, message and traceId; the install to
        // authorise again); a class name would only say which branch of ours saw it.
        throw new UnrecoverableError(
          error instanceof GhlRateLimitedError
            ? `gave up after ${maxStarts} starts: ${error.message}`
            : (error as Error).message,
        );
      case 'retry':
        throw error;
    }
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
