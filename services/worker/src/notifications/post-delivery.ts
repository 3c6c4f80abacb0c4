import type { DeliveryRequest } from '@ghl-bridge/notifications';
import got, { RequestError } from 'got';

export interface PostResult {
  /** The receiver's status code; null when none came back (timeout, refused, reset). */
  statusCode: number | null;
  error: string | null;
  latencyMs: number;
}

/** Sends one signed delivery; never throws: every way it can end is a result to record. */
export type PostDelivery = (url: string, request: DeliveryRequest, timeoutMs: number) => Promise<PostResult>;

// No retries here (the delivery's schedule retries), no redirects (a 3xx is not a delivery,
// as with Svix), and every status code comes back as a result rather than an exception.
const client = got.extend({
  throwHttpErrors: false,
  followRedirect: false,
  retry: { limit: 0 },
});

export const postDelivery: PostDelivery = async (url, request, timeoutMs) => {
  const started = performance.now();
  const latencyMs = () => Math.round(performance.now() - started);
  try {
    const response = await client.post(url, {
      headers: request.headers,
      body: request.body,
      timeout: { request: timeoutMs },
    });
    return { statusCode: response.statusCode, error: null, latencyMs: latencyMs() };
  } catch (error) {
    const reason =
      error instanceof RequestError
        ? `${error.code}: ${error.message}`
        : error instanceof Error
          ? error.message
          : String(error);
    return { statusCode: null, error: reason.slice(0, 500), latencyMs: latencyMs() };
  }
};
