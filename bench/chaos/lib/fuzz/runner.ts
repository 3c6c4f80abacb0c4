import { type FuzzRequest, type FuzzResponse, sendRaw } from './raw-http.js';

export interface Outcome {
  index: number;
  request: FuzzRequest;
  requestId: string;
  response?: FuzzResponse;
  /** Set when no HTTP answer came (connection reset, timeout). */
  error?: string;
  /** The JSON body of the answer, when it had one. */
  json?: Record<string, unknown>;
}

/**
 * Sends every request, `lanes` at a time, in index order. Each carries its own x-request-id
 * (`fz-<seed>-<index>`), which ingress keeps and passes on to the jobs it enqueues: that is how
 * an effect is traced back to the request that caused it.
 */
export async function sendAll(
  url: string,
  requests: readonly FuzzRequest[],
  seed: number,
  lanes = 8,
  onProgress?: (done: number) => void,
): Promise<Outcome[]> {
  const { hostname, port } = new URL(url);
  const base = { host: hostname, port: Number(port) };
  const outcomes: Outcome[] = new Array(requests.length);
  let next = 0;
  let done = 0;
  const lane = async () => {
    for (let index = next++; index < requests.length; index = next++) {
      const request = requests[index] as FuzzRequest;
      const requestId = requestIdOf(seed, index);
      const outcome: Outcome = { index, request, requestId };
      try {
        outcome.response = await sendRaw(base, request, requestId);
        outcome.json = parseJson(outcome.response.body);
      } catch (error) {
        outcome.error = (error as Error).message;
      }
      outcomes[index] = outcome;
      if (++done % 500 === 0) onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return outcomes;
}

const requestIdOf = (seed: number, index: number) => `fz-${seed}-${index}`;

function parseJson(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
