// The few kinds of failure a GHL call can end in. Each has exactly one meaning for the queue
// (see queue/run-ghl-job.ts): wait, retry with backoff, refresh, or stop for good.

export abstract class GhlError extends Error {
  abstract readonly kind: 'rate_limited' | 'transient' | 'permanent' | 'needs_reauth';
}

/** No budget left (ours or GHL's 429): the job waits `waitMs` without spending an attempt. */
export class GhlRateLimitedError extends GhlError {
  override readonly name = 'GhlRateLimitedError';
  readonly kind = 'rate_limited';
  constructor(
    readonly locationId: string,
    readonly waitMs: number,
    readonly source: 'budget' | 'ghl_429',
  ) {
    super(`rate limited for ${locationId}; wait ${waitMs} ms (${source})`);
  }
}

/** 5xx, network error or timeout: retried with exponential backoff. */
export class GhlTransientError extends GhlError {
  override readonly name = 'GhlTransientError';
  readonly kind = 'transient';
  constructor(
    message: string,
    readonly status?: number,
    readonly traceId?: string,
  ) {
    super(message);
  }
}

/** Other 4xx: retrying cannot help. Keeps GHL's message and traceId for support tickets. */
export class GhlPermanentError extends GhlError {
  override readonly name: string = 'GhlPermanentError';
  readonly kind = 'permanent';
  constructor(
    readonly status: number,
    readonly ghlMessage: string,
    readonly traceId?: string,
  ) {
    super(`GHL answered ${status}: ${ghlMessage}${traceId ? ` (traceId ${traceId})` : ''}`);
  }
}

/** GHL's "The slot you have selected is no longer available." as its own case. */
export class GhlSlotUnavailableError extends GhlPermanentError {
  override readonly name = 'GhlSlotUnavailableError';
}

/** The install's tokens can no longer be refreshed: someone must authorise the app again. */
export class GhlNeedsReauthError extends GhlError {
  override readonly name = 'GhlNeedsReauthError';
  readonly kind = 'needs_reauth';
  constructor(
    readonly resourceId: string,
    reason: string,
  ) {
    super(`GHL install ${resourceId} needs re-authorisation: ${reason}`);
  }
}

export const SLOT_UNAVAILABLE_MESSAGE = 'The slot you have selected is no longer available.';
