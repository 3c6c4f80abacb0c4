import { GhlNeedsReauthError, GhlPermanentError } from '@ghl-bridge/ghl';
import type { GhlRefusal } from '@ghl-bridge/jobs';

/** Longest GHL message passed on: GHL's are a line; a page of HTML is not a message. */
const MAX_MESSAGE = 500;

/**
 * For reads a person waits for: GHL's permanent refusal (or our missing install) comes back as
 * the job's answer instead of failing it: nothing to retry, nothing for an operator to look at.
 * Rate limits and transient failures are thrown on, to keep their queue meaning (the dispatch).
 *
 * A choice of each processor, not a flag of the job: the processor decides what a refusal means
 * for its own work (discovery caches nothing; an OAuth exchange spends the code all the same).
 */
export async function refusalAsAnswer<T>(work: () => Promise<T>): Promise<T | GhlRefusal> {
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
}
