/** Each wait is stretched or shrunk by up to this share, so retries of many deliveries spread. */
const JITTER = 0.1;

/**
 * How long to wait before the next attempt after `attemptsMade` failed ones, or undefined when
 * the schedule is spent: `scheduleMs[0]` follows the first attempt, and so on.
 */
export function retryDelayMs(
  scheduleMs: readonly number[],
  attemptsMade: number,
  random: () => number = Math.random,
): number | undefined {
  const wait = scheduleMs[attemptsMade - 1];
  if (wait === undefined || attemptsMade < 1) return undefined;
  return Math.round(wait * (1 - JITTER + 2 * JITTER * random()));
}
