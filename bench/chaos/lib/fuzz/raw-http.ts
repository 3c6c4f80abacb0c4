import { connect } from 'node:net';

/** One request the fuzzer sends, kept as data so a failure can be printed and replayed. */
export interface FuzzRequest {
  /** The registered route it is aimed at, as `METHOD /url` (e.g. `POST /api/ghl/citas`). */
  route: string;
  /** What is odd about it (e.g. `body.nul-in-text`): the summary counts answers by it. */
  variant: string;
  method: string;
  /** The request target exactly as sent: percent-encoding, dot segments and all. */
  target: string;
  /** Sent as given, in order, duplicates included; Buffers carry bytes no client library would send. */
  headers: [string, string | Buffer][];
  body?: Buffer | undefined;
  /** Leave out Content-Length (the generator sets its own, or sends none on purpose). */
  noContentLength?: boolean;
  /**
   * `hostile` must be refused (a 2xx is a failure); `valid` is sent on purpose and its effects
   * are accounted for; `odd` may go either way (unusual but legal input), never a 5xx.
   */
  intent: 'hostile' | 'valid' | 'odd';
}

export interface FuzzResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  ms: number;
}

/**
 * Sends the request over a raw socket (`Connection: close`), byte for byte: fetch and
 * node:http refuse control characters, duplicate credentials and malformed targets, which are
 * exactly what the fuzzer must send. The response is parsed by hand (length or chunked).
 */
export function sendRaw(
  base: { host: string; port: number },
  request: FuzzRequest,
  requestId: string,
  timeoutMs = 20_000,
): Promise<FuzzResponse> {
  const started = performance.now();
  const head: Buffer[] = [Buffer.from(`${request.method} ${request.target} HTTP/1.1\r\n`, 'latin1')];
  const named = new Set(request.headers.map(([name]) => name.toLowerCase()));
  const line = (name: string, value: string | Buffer) =>
    Buffer.concat([Buffer.from(`${name}: `, 'latin1'), Buffer.from(value), Buffer.from('\r\n')]);
  if (!named.has('host')) head.push(line('host', `${base.host}:${base.port}`));
  for (const [name, value] of request.headers) head.push(line(name, value));
  if (!named.has('x-request-id')) head.push(line('x-request-id', requestId));
  if (request.body && !request.noContentLength)
    head.push(line('content-length', String(request.body.length)));
  head.push(line('connection', 'close'), Buffer.from('\r\n'));
  const bytes = Buffer.concat([...head, request.body ?? Buffer.alloc(0)]);

  return new Promise((resolve, reject) => {
    const socket = connect({ host: base.host, port: base.port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    // Never half-closed: Node's server ends a connection whose client has ended, before answering.
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may answer (e.g. 413) and close before the whole body is written: keep the answer.
    socket.on('error', (error) => {
      if (chunks.length === 0) {
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks);
      const parsed = parseResponse(raw);
      if (parsed) resolve({ ...parsed, ms: performance.now() - started });
      else reject(new Error(`connection closed without an HTTP answer (${raw.length} bytes)`));
    });
  });
}

function parseResponse(raw: Buffer): Omit<FuzzResponse, 'ms'> | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!status) return undefined;
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const colon = l.indexOf(':');
    if (colon > 0) headers[l.slice(0, colon).trim().toLowerCase()] = l.slice(colon + 1).trim();
  }
  let body = raw.subarray(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
  return { status, headers, body };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!size) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** The request as text for a failure report: printable, cut short, secrets replaced by names. */
export function describeRequest(request: FuzzRequest, secrets: Record<string, string>): string {
  const hide = (text: string) =>
    Object.entries(secrets).reduce(
      (t, [name, value]) => (value ? t.split(value).join(`<${name}>`) : t),
      text,
    );
  const show = (value: string | Buffer, asBody = false) => {
    const text = hide(Buffer.isBuffer(value) ? value.toString(asBody ? 'utf8' : 'latin1') : value);
    const escaped = JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}…(${text.length} chars)` : text);
    return escaped.slice(1, -1);
  };
  const lines = [
    `${request.method} ${show(request.target)}`,
    ...request.headers.map(([name, value]) => `${name}: ${show(value)}`),
  ];
  if (request.body) lines.push('', show(request.body, true));
  return lines.map((l) => `      ${l}`).join('\n');
}
