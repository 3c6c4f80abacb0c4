import { createHash } from 'node:crypto';
import { type Db, type Executor, findIdempotencyKey, saveIdempotencyKey } from '@ghl-bridge/db';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../http/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body as the client sent it (parsed JSON), before the route's schema shaped it. */
    receivedBody: unknown;
  }
}

/**
 * Keeps each request's body as received: a key's request hash covers what the client sent, not
 * the schema's output (defaults filled in, text trimmed), so it stays what earlier versions stored.
 */
export function keepReceivedBody(app: FastifyInstance): void {
  app.decorateRequest('receivedBody', undefined);
  app.addHook('preValidation', async (request) => {
    request.receivedBody = request.body;
  });
}

export interface IdempotencyScope {
  apiKeyId: string;
  key: string;
  requestHash: string;
}

const KEY = /^[\x21-\x7e]{1,255}$/;

/** The request's Idempotency-Key scoped to its API key, or undefined when none was sent. */
function idempotencyScope(
  request: FastifyRequest,
  apiKeyId: string,
  path: string,
): IdempotencyScope | undefined {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? header[0] : header;
  if (!key || !KEY.test(key))
    throw new ApiError(400, 'validation_failed', 'Idempotency-Key must be 1-255 visible ASCII characters');
  const requestHash = createHash('sha256')
    .update(`${request.method} ${path}\n${stableJson(request.receivedBody)}`)
    .digest('hex');
  return { apiKeyId, key, requestHash };
}

/**
 * The stored first answer, or 422 when the key was used for another request. An answer, not a
 * sent reply: a Fastify reply is thenable, so an async function returning one resolves to
 * `undefined` and its caller would run the write again after the replay was sent.
 */
async function storedAnswer(db: Executor, scope: IdempotencyScope): Promise<Answer | undefined> {
  const row = await findIdempotencyKey(db, scope.apiKeyId, scope.key);
  if (!row) return undefined;
  if (row.requestHash !== scope.requestHash)
    throw new ApiError(
      422,
      'idempotency_key_reused',
      'This Idempotency-Key was used with a different request',
    );
  return { status: row.responseStatus, body: row.responseBody };
}

const replay = (reply: FastifyReply, answer: Answer) =>
  reply.header('idempotent-replayed', 'true').code(answer.status).send(answer.body);

/** In the transaction of the change: a concurrent twin fails on the primary key and replays. */
export async function rememberAnswer(
  tx: Executor,
  scope: IdempotencyScope,
  status: number,
  body: unknown,
): Promise<void> {
  await saveIdempotencyKey(tx, { ...scope, responseStatus: status, responseBody: body });
}

/** What a handler answers, for `withIdempotency` to send and remember. */
export interface Answer {
  status: number;
  body: unknown;
}

/**
 * Runs a write under the request's Idempotency-Key, if it sent one. A key seen before answers
 * with the stored first answer and runs nothing again. A refusal that is the request's own
 * fault (409, 422) is kept as the key's answer too, so a retry cannot book what was refused.
 * The write itself stores its success with `rememberAnswer`, in its own transaction.
 */
export async function withIdempotency(
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
  apiKeyId: string,
  path: string,
  write: (scope: IdempotencyScope | undefined) => Promise<Answer>,
): Promise<FastifyReply> {
  const scope = idempotencyScope(request, apiKeyId, path);
  if (scope) {
    const seen = await storedAnswer(db, scope);
    if (seen) return replay(reply, seen);
  }
  try {
    const answer = await write(scope);
    return reply.code(answer.status).send(answer.body);
  } catch (error) {
    if (!scope) throw error;
    // A concurrent twin with the same key may have won: answer as it did.
    const seen = await storedAnswer(db, scope).catch((replayError: unknown) => {
      if (replayError instanceof ApiError) throw replayError;
      return undefined;
    });
    if (seen) return replay(reply, seen);
    if (error instanceof ApiError && (error.statusCode === 409 || error.statusCode === 422)) {
      const body = { error: error.error, message: error.message, ...error.extra };
      await saveIdempotencyKey(db, { ...scope, responseStatus: error.statusCode, responseBody: body }).catch(
        () => undefined,
      );
    }
    throw error;
  }
}

/** JSON with sorted keys, so `{a,b}` and `{b,a}` are the same request. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
