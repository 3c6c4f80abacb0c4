import { createServer } from 'node:net';

/**
 * First free 127.0.0.1 port from `start`, so suites and harnesses never bind the shared
 * 6379/5432 and two runs side by side do not collide.
 */
export async function freePort(start: number, span = 200): Promise<number> {
  for (let port = start; port < start + span; port++) {
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${start}..${start + span - 1}`);
}

/** True when nothing listens on 127.0.0.1:`port` now. */
export function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
