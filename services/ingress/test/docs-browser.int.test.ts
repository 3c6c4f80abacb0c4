import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@ghl-bridge/config';
import { QUEUE_NAMES } from '@ghl-bridge/jobs';
import { test, testEnv } from '@ghl-bridge/testing';
import { chromium } from 'playwright-core';
import { describe, expect } from 'vitest';
import { startTestApp } from './test-app.js';

/** Debian's chromium (`apt-get install -y chromium`); .ci/run installs it. */
const CHROMIUM = '/usr/bin/chromium';
const unavailable = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} is not installed (apt-get install -y chromium); the browser tests of /docs and Bull Board are skipped`;
// biome-ignore lint/suspicious/noConsole: a skip must say why where the test output is read
if (unavailable) console.warn(`docs-browser.int.test.ts skipped: ${unavailable}`);

const TOKEN = 'admin-token-for-browser-tests-0123456789';
// No network beyond the page's own server: nothing the browser does may reach out by itself.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A running ingress and a browser with an empty profile, closed in reverse order. */
async function browse(config: Parameters<typeof startTestApp>[0]['config']) {
  const ingress = await startTestApp({ config });
  await ingress.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = ingress.app.server.address() as { port: number };
  const profile = await mkdtemp(join(tmpdir(), 'ghlb-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    // Answered only to the admin routes' Basic challenge: /docs asks for nothing.
    httpCredentials: { username: 'admin', password: TOKEN },
  });
  const origin = `http://127.0.0.1:${port}`;
  const requested: string[] = [];
  const consoleErrors: string[] = [];
  context.on('request', (request) => void requested.push(request.url()));
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  return {
    origin,
    page,
    requested,
    consoleErrors,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
      await ingress.close();
    },
  };
}

// A browser start is slow on a busy machine; the polls below bound each wait.
describe.skipIf(unavailable !== undefined)('in a browser', { timeout: 90_000 }, () => {
  test('/docs renders every operation of the document from this server alone', async ({
    database,
    queuePrefix,
  }) => {
    const config = loadConfig(testEnv({ DATABASE_URL: database.url, QUEUE_PREFIX: queuePrefix }));
    const browser = await browse(config);
    try {
      const { page, origin } = browser;
      const document = (await (await fetch(`${origin}/docs/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { operationId: string }>>;
      };
      const operationIds = Object.values(document.paths).flatMap((methods) =>
        Object.values(methods).map((operation) => operation.operationId),
      );

      await page.goto(`${origin}/docs`);
      // Swagger UI shows each operation's id (displayOperationId), one block per operation.
      const shown = page.locator('.opblock .opblock-summary-operation-id');
      await expect.poll(() => shown.count(), { timeout: 30_000 }).toBe(operationIds.length);
      expect((await shown.allTextContents()).map((id) => id.trim()).sort()).toEqual([...operationIds].sort());
      await expect.poll(() => page.locator('.opblock-tag').count()).toBeGreaterThanOrEqual(6);

      expect(browser.requested.length).toBeGreaterThan(3);
      for (const url of browser.requested) expect(new URL(url).origin, url).toBe(origin);
      expect(browser.consoleErrors.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  test('Bull Board opens behind the admin token and shows every queue', async ({ database, queuePrefix }) => {
    const config = loadConfig(
      testEnv({ DATABASE_URL: database.url, QUEUE_PREFIX: queuePrefix, ADMIN_TOKEN: TOKEN }),
    );
    const browser = await browse(config);
    try {
      const { page, origin } = browser;
      const refused = await fetch(`${origin}/admin/queues`);
      expect(refused.status).toBe(401);

      const response = await page.goto(`${origin}/admin/queues`);
      expect(response?.status()).toBe(200);
      for (const name of QUEUE_NAMES)
        await expect
          .poll(() => page.getByText(name, { exact: true }).count(), { timeout: 30_000 })
          .toBeGreaterThan(0);
    } finally {
      await browser.close();
    }
  });
});
