import type { FastifyInstance } from 'fastify';

/**
 * Bull Board's API refuses with `{ error: { key: 'ERRORS.QUEUE_READ_ONLY', options } }` (a
 * translation key for its UI). Every ghl-bridge rejection is `{ error, message }` with strings,
 * so its refusals are reshaped here: `error` becomes a code (`queue_read_only`), `message`
 * names the key, and the key and its options stay (`details`). Bull Board's UI shows string
 * errors as they are, so it still reads them.
 */
export function reshapeBoardErrors(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode < 400 || typeof payload !== 'string') return payload;
    if (!String(reply.getHeader('content-type') ?? '').includes('json')) return payload;
    let body: { error?: unknown; message?: unknown } & Record<string, unknown>;
    try {
      body = JSON.parse(payload);
    } catch {
      return payload;
    }
    if (typeof body.error === 'string' && typeof body.message === 'string') return payload;
    const key =
      typeof body.error === 'object' && body.error && 'key' in body.error ? String(body.error.key) : '';
    const code = key.replace(/^ERRORS\./, '').toLowerCase() || 'bad_request';
    return JSON.stringify({
      ...body,
      error: code,
      message:
        typeof body.message === 'string'
          ? body.message
          : `Bull Board refused the request (${key || reply.statusCode})`,
      details: body.error,
    });
  });
}
