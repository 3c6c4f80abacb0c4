/**
 * RV3's side of the notifications bench, as its own process: answers every POST 204 at once and
 * notes when each arrived (wall clock, sub-millisecond) with the few body fields the bench matches
 * on. The body is parsed for every request, so ghl-bridge's deliveries and the bare POST loop
 * cost the receiver the same. `GET /arrivals?from=<n>` answers the arrivals from the n-th on.
 * Env: PORT.
 */
import { createServer } from 'node:http';

interface Arrival {
  id: string;
  kind: string;
  ghlId: string | null;
  at: number;
}

const arrivals: Arrival[] = [];
const now = () => performance.timeOrigin + performance.now();

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    const from = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('from') ?? 0);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(arrivals.slice(from)));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const at = now();
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      type?: string;
      data?: { cita?: { ghl_appointment_id?: string | null } };
    };
    arrivals.push({
      id: String(req.headers['webhook-id'] ?? ''),
      kind: String(body.type ?? ''),
      ghlId: body.data?.cita?.ghl_appointment_id ?? null,
      at,
    });
    res.writeHead(204).end();
  });
});

process.once('SIGTERM', () => server.close(() => process.exit(0)));
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
