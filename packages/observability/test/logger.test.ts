import { Writable } from 'node:stream';
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
