import { createApiKey } from '@ghl-bridge/db';
import { test } from '@ghl-bridge/testing';
import Fastify from 'fastify';
import { describe, expect } from 'vitest';
import { keepReceivedBody, rememberAnswer, withIdempotency } from '../src/staff/idempotency.js';

// withIdempotency on its own route, so the test knows when the handler (not only the answer)
// is over: a write that ran after the stored answer was sent would show in `writes`.
describe('withIdempotency', () => {
  test('a key seen before is answered from storage and runs the write no more', async ({ database }) => {
    const { db } = database;
    const { apiKey } = await createApiKey(db, { name: 'idempotency-test', locationIds: ['loc-1'] });
    let writes = 0;
    const handled: Array<Promise<void>> = [];
    const app = Fastify();
    keepReceivedBody(app);
    app.post('/things', (request, reply) => {
      const done = withIdempotency(db, request, reply, apiKey.id, '/things', async (scope) => {
        writes++;
        const body = { thing: writes };
        if (scope) await db.transaction((tx) => rememberAnswer(tx, scope, 201, body));
        return { status: 201, body };
      });
      handled.push(done.then(() => undefined));
      return done;
    });
    try {
      const post = () =>
        app.inject({
          method: 'POST',
          url: '/things',
          headers: { 'idempotency-key': 'same' },
          payload: { name: 'a' },
        });
      const first = await post();
      const second = await post();
      await Promise.all(handled);
      expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
      expect(second.json()).toEqual({ thing: 1 });
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(writes).toBe(1);
    } finally {
      await app.close();
    }
  });
});
