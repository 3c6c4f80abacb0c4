import { notificationEndpoints } from '@ghl-bridge/db';
import { closeQueues, createQueues } from '@ghl-bridge/jobs';
import { test } from '@ghl-bridge/testing';
import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { runEndpointsCommand } from '../src/cli/endpoints-command.js';

// Where this "ingress" listens, as the URL rule sees it.
const PORT = 3999;

/** What the CLI printed, to stdout and stderr. */
function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('managing RV3 endpoints from the CLI', () => {
  test("endpoints add/list/disable/enable/rotate-secret/replay: the admin routes' rules; prints the secret once, exits 2 with the reason on bad input, 1 on an unknown id", async ({
    database,
    redis,
    queuePrefix,
  }) => {
    const queues = createQueues(redis, queuePrefix);
    const deps = {
      db: database.db,
      queues,
      key: Buffer.alloc(32, 9),
      secretOverlapMs: 3_600_000,
      self: { host: '0.0.0.0', port: PORT },
    };
    try {
      const add = capture();
      const args = [
        'add',
        '--url',
        'https://rv3.example/hooks',
        '--locations',
        'loc-a, loc-b',
        '--kinds',
        'cita.created,cita.updated',
      ];
      expect(await runEndpointsCommand(args, deps, add.io)).toBe(0);
      const printed = add.out.join('');
      const secret = /whsec_\S+/.exec(printed)?.[0];
      const id = /endpoint ([0-9a-f-]{36})/.exec(printed)?.[1];
      expect(secret).toBeDefined();
      expect(printed).toContain('kinds cita.created, cita.updated');

      const list = capture();
      expect(await runEndpointsCommand(['list'], deps, list.io)).toBe(0);
      expect(list.out.join('')).toContain(`${id}  https://rv3.example/hooks  [loc-a,loc-b]`);
      expect(list.out.join('')).not.toContain(secret?.slice(10));

      // Bound to every interface: this machine's own addresses reach ingress too.
      for (const url of [
        `http://127.0.0.1:${PORT}/`,
        `http://[::]:${PORT}/`,
        'ftp://rv3.example/',
        'nonsense',
      ]) {
        const refused = capture();
        expect(
          await runEndpointsCommand(['add', '--url', url, '--locations', 'loc-a'], deps, refused.io),
        ).toBe(2);
        expect(refused.err.join(''), url).toMatch(/url: (points at ghl-bridge itself|must be)/);
      }
      for (const bad of [
        ['add', '--url', 'https://rv3.example/'],
        ['add', '--url', 'https://rv3.example/', '--locations', 'loc-a', '--kinds', 'cita.exploded'],
        ['add', '--colour', 'red'],
        ['disable'],
        ['disable', 'not-an-id'],
        ['replay', String(id), '--since', 'yesterday'],
        ['frobnicate', String(id)],
      ]) {
        const refused = capture();
        expect(await runEndpointsCommand(bad, deps, refused.io), bad.join(' ')).toBe(2);
        expect(refused.err.join('')).not.toBe('');
      }

      const rotate = capture();
      expect(await runEndpointsCommand(['rotate-secret', String(id)], deps, rotate.io)).toBe(0);
      expect(rotate.out.join('')).toMatch(/whsec_\S+/);
      expect(rotate.out.join('')).not.toContain(String(secret));
      const disable = capture();
      expect(await runEndpointsCommand(['disable', String(id)], deps, disable.io)).toBe(0);
      const replay = capture();
      expect(
        await runEndpointsCommand(['replay', String(id), '--since', '2030-01-01T00:00:00Z'], deps, replay.io),
      ).toBe(1);
      expect(replay.err.join('')).toMatch(/disabled; enable it first/);
      expect(await runEndpointsCommand(['enable', String(id)], deps, capture().io)).toBe(0);
      expect(
        await runEndpointsCommand(
          ['replay', String(id), '--since', '2030-01-01T00:00:00Z'],
          deps,
          capture().io,
        ),
      ).toBe(0);
      const unknown = '0b0c5a55-1111-4222-8333-444455556666';
      for (const action of ['disable', 'enable', 'rotate-secret']) {
        const missing = capture();
        expect(await runEndpointsCommand([action, unknown], deps, missing.io)).toBe(1);
        expect(missing.err.join('')).toContain(`No endpoint ${unknown}`);
      }
      const [row] = await database.db
        .select()
        .from(notificationEndpoints)
        .where(eq(notificationEndpoints.id, String(id)));
      expect(row?.kinds).toEqual(['cita.created', 'cita.updated']);
    } finally {
      await closeQueues(queues);
    }
  });
});
