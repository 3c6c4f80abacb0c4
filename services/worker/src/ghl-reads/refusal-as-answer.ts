import { GhlNeedsReauthError, GhlPermanentError, runGhlJob } from '@ghl-bridge/ghl';
import type { GhlRefusal } from '@ghl-bridge/jobs';
import type { Job } from 'bullmq';

/** Longest GHL message passed on: GHL's are a line; a page of HTML is not a message. */
const MAX_MESSAGE = 500;

/**
 * `runGhlJob` for reads a person waits for: rate limits and transient failures keep their
 * queue meaning, while GHL's permanent refusal (or our missing install) comes back as the
 * job's answer instead of failing it: nothing to retry, nothing for an operator to look at.
 */
export function runGhlRead<T>(
  job: Job,
  token: string | undefined,
  work: () => Promise<T>,
): Promise<T | GhlRefusal> {
  return runGhlJob(job, token, async (): Promise<T | GhlRefusal> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof GhlPermanentError) {
        const { status, ghlMessage, traceId } = error;
        return { ghlRefusal: { status, message: ghlMessage.slice(0, MAX_MESSAGE), traceId } };
      }
      if (error instanceof GhlNeedsReauthError)
        return {
          ghlRefusal: {
            status: 0,
            message:
              'ghl-bridge holds no working GHL tokens for this location; install or authorise the app again',
          },
        };
      throw error;
    }
  });
}
