import got from 'got';

// The baseline of the notifications bench, and what it reads from its receiver
// (lib/notification-receiver.ts).

/** Wall clock with sub-millisecond resolution, comparable across processes on one machine. */
export const now = (): number => performance.timeOrigin + performance.now();

/** Requests/s of `inFlight` loops, each POSTing `body` one request after the other for `seconds`. */
export async function postLoop(
  url: string,
  body: string,
  inFlight: number,
  seconds: number,
): Promise<number> {
  let count = 0;
  const until = now() + seconds * 1000;
  const started = now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (now() < until) {
        await got.post(url, {
          body,
          headers: { 'content-type': 'application/json', 'webhook-id': `bare_${count}` },
          retry: { limit: 0 },
        });
        count++;
      }
    }),
  );
  return count / ((now() - started) / 1000);
}

/** One request the receiver noted: its webhook-id, kind, GHL appointment id and arrival time. */
export interface Arrival {
  id: string;
  kind: string;
  ghlId: string | null;
  at: number;
}

/** Every arrival at the receiver so far, fetched incrementally by `poll`. */
export function arrivalsOf(receiverUrl: string) {
  const arrived: Arrival[] = [];
  return {
    arrived,
    async poll(): Promise<void> {
      const fresh = (await (
        await fetch(`${receiverUrl}/arrivals?from=${arrived.length}`)
      ).json()) as Arrival[];
      arrived.push(...fresh);
    },
  };
}
