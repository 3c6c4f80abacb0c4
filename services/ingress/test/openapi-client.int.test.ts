import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@ghl-bridge/testing';
import { createClient } from '@hey-api/openapi-ts';
import { describe, expect } from 'vitest';
import { startTestApp } from './test-app.js';

type Document = {
  paths: Record<string, Record<string, { operationId: string }>>;
  components: { schemas: Record<string, unknown> };
};

/** The names a file exports as `export const name` or `export type Name`. */
const exported = (source: string, kind: 'const' | 'type') =>
  [...source.matchAll(new RegExp(`^export ${kind} (\\w+)`, 'gm'))].map(([, name]) => name ?? '');

describe('a client generated from /docs/openapi.json', () => {
  // Generation takes a few seconds of CPU; more on a busy machine.
  test('has one named method per operation, and a type per named schema', { timeout: 60_000 }, async ({
    config,
  }) => {
    const { app, close } = await startTestApp({ config });
    const output = await mkdtemp(join(tmpdir(), 'ghlb-client-'));
    try {
      const document = (await app.inject({ url: '/docs/openapi.json' })).json() as Document;
      await createClient({
        input: { path: document },
        output: { path: output },
        plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
        logs: { level: 'silent' },
      });
      const operationIds = Object.values(document.paths).flatMap((methods) =>
        Object.values(methods).map((operation) => operation.operationId),
      );
      const methods = exported(await readFile(join(output, 'sdk.gen.ts'), 'utf8'), 'const');
      // Each operation's id is its method's name, unchanged: no suffixes, no names made from paths.
      expect(methods.sort()).toEqual([...operationIds].sort());

      const types = new Set(exported(await readFile(join(output, 'types.gen.ts'), 'utf8'), 'type'));
      for (const name of Object.keys(document.components.schemas)) expect(types, name).toContain(name);
    } finally {
      await rm(output, { recursive: true, force: true });
      await close();
    }
  });
});
