import { connect } from 'node:net';
import { loadConfig } from '@ghl-bridge/config';
import { test, testEnv } from '@ghl-bridge/testing';
import { describe, expect } from 'vitest';
import { startTestApp } from './test-app.js';

/** Sends `text` and resolves with everything the server writes until it closes the socket. */
function sendAndWait(port: number, text: string): Promise<{ answer: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += String(chunk);
    });
    socket.on('error', reject);
    socket.on('close', () => resolve({ answer, closedAfterMs: Date.now() - started }));
    // A server that never closes fails the test by its own timeout, not by hanging here.
    socket.setTimeout(15_000, () => socket.destroy());
  });
}

describe('server timeouts', () => {
  test('a client that stops halfway through its headers, or its body, gets 408 and is disconnected', async ({
    database,
    queuePrefix,
  }) => {
    const config = loadConfig(
      testEnv({
        DATABASE_URL: database.url,
        QUEUE_PREFIX: queuePrefix,
        HTTP_HEADERS_TIMEOUT_MS: '500',
        HTTP_REQUEST_TIMEOUT_MS: '1000',
      }),
    );
    const { app, queues, close } = await startTestApp({ config });
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = app.server.address() as { port: number };
      const headersOnlyHalf = await sendAndWait(port, 'POST /api/webhooks/ghl HTTP/1.1\r\nHost: x\r\n');
      expect(headersOnlyHalf.answer).toMatch(/^HTTP\/1\.1 408/);
      expect(headersOnlyHalf.closedAfterMs).toBeLessThan(5000);
      const slowBody = await sendAndWait(
        port,
        'POST /api/webhooks/ghl HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"type":',
      );
      expect(slowBody.answer).toMatch(/^HTTP\/1\.1 408/);
      // Cut off within the configured time plus Node's check period, not left open.
      expect(slowBody.closedAfterMs).toBeLessThan(5000);
      expect(await queues.webhooks.count()).toBe(0);
    } finally {
      await close();
    }
  });
});
