import { Writable } from 'node:stream';
import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/index.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('censors authorization headers, signatures and tokens by default', () => {
    const { lines, destination } = capture();
    const log = createLogger({ name: 'test', level: 'info', destination });
    log.info(
      {
        req: {
          headers: {
            authorization: 'Bearer sk-live-1',
            'x-ghl-signature': 'sig-ed-1',
            'x-wh-signature': 'sig-rsa-1',
          },
        },
        token: { access_token: 'at-1', refresh_token: 'rt-1' },
        refreshToken: 'rt-2',
        job: { accessToken: 'at-2' },
      },
      'request',
    );
    const output = lines.join('');
    for (const secret of ['sk-live-1', 'sig-ed-1', 'sig-rsa-1', 'at-1', 'rt-1', 'rt-2', 'at-2']) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('[redacted]');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ name: 'test', msg: 'request' });
  });

  it('writes JSON lines when not on a terminal', () => {
    const { lines, destination } = capture();
    createLogger({ name: 'json', level: 'info', destination }).info({ locationId: 'loc-1' }, 'hello');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ locationId: 'loc-1', msg: 'hello', level: 30 });
  });
});

describe('what never reaches the logs', () => {
  it("keeps a failed query's reason and drops its bound values, from the message, the stack and the cause", () => {
    const { lines, destination } = capture();
    const log = createLogger({ name: 'test', level: 'info', destination });
    const reason = Object.assign(new Error('duplicate key value violates unique constraint "x"'), {
      code: '23505',
      constraint_name: 'citas_location_external_id_idx',
      detail: 'Key (external_id)=(ana.quispe@example.com) already exists.',
      parameters: ['Ana Quispe', '+51987654321'],
    });
    const error = new DrizzleQueryError(
      'insert into "citas" ("patient_name", "patient_phone") values ($1, $2)',
      ['Ana Quispe', '+51987654321'],
      reason,
    );
    log.error({ err: error }, 'request failed');
    const output = lines.join('');
    for (const data of ['Ana Quispe', '+51987654321', 'ana.quispe@example.com'])
      expect(output).not.toContain(data);
    const line = JSON.parse(lines[0] ?? '{}');
    expect(line.err.message).toBe(
      'Failed query: insert into "citas" ("patient_name", "patient_phone") values ($1, $2)',
    );
    expect(line.err.cause).toMatchObject({
      message: 'duplicate key value violates unique constraint "x"',
      code: '23505',
      constraint_name: 'citas_location_external_id_idx',
    });
  });

  it('logs /oauth/callback without its query string (the authorisation code), other URLs as they are', () => {
    const { lines, destination } = capture();
    const log = createLogger({ name: 'test', level: 'info', destination });
    log.info({ req: { method: 'GET', url: '/oauth/callback/?code=abc123secret&state=s' } }, 'incoming');
    log.info({ req: { method: 'GET', url: '/api/ghl/citas?location_id=loc-1' } }, 'incoming');
    expect(lines.join('')).not.toContain('abc123secret');
    expect(JSON.parse(lines[0] ?? '{}').req.url).toBe('/oauth/callback/?[redacted]');
    expect(JSON.parse(lines[1] ?? '{}').req.url).toBe('/api/ghl/citas?location_id=loc-1');
  });
});
