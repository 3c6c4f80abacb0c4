import type { Header } from '../headers.js';
import { CANARY, made } from '../hostile.js';
import type { FuzzRequest } from '../raw-http.js';
import { routeParts } from './build.js';
import type { RouteGenerator } from './types.js';

/** Health and docs: open to all, so odd requests get their normal answer or a 4xx. */
export function publicGenerators(): RouteGenerator[] {
  const open: RouteGenerator = {
    // Health, and every route of the docs (the page, its assets and the document).
    covers: (route) => /^GET \/(healthz|readyz|docs)(\/|$)/.test(route),
    weight: 1,
    generate(_ctx, prng, route) {
      const { method, url: template } = routeParts(route);
      // An asset route's wildcard: a real asset's name, or a way out of the folder.
      const url = template.includes('*')
        ? template.replace('*', prng.pick(['index.html', '..%2F..%2Fpackage.json', '%00', 'x'.repeat(300)]))
        : template;
      const [variant, suffix, headers] = prng.pick<[string, string, Header[]]>([
        ['plain', '', []],
        ['trailing-slash', '/', []],
        ['junk-query', '?a=1&a=2&b[]=3&%zz=1', []],
        ['huge-query', `?q=${'q'.repeat(8_000)}`, []],
        ['junk-accept', '', [['accept', `application/${CANARY}`]]],
        ['junk-auth', '', [['authorization', `Bearer ${CANARY}`]]],
        [
          'body-on-get',
          '',
          [
            ['content-type', 'application/json'],
            ['content-length', '2'],
          ],
        ],
      ]);
      const request: FuzzRequest = {
        route,
        method,
        target: `${url}${suffix}`,
        headers,
        variant,
        intent: 'odd',
      };
      if (variant === 'body-on-get') return { ...request, body: Buffer.from('{}'), noContentLength: true };
      return request;
    },
  };
  return [open];
}

/** Paths no route serves, and methods no route takes: 404 JSON, never a 5xx. */
export const unrouted: RouteGenerator = {
  covers: [],
  weight: 3,
  generate(_ctx, prng) {
    const [variant, method, target] = prng.pick<[string, string, string]>([
      ['no-route.random', 'GET', `/${prng.chars(12)}`],
      ['no-route.traversal', 'GET', '/api/ghl/../../etc/passwd'],
      ['no-route.encoded-traversal', 'GET', '/api/ghl/%2e%2e/%2e%2e/etc/passwd'],
      ['no-route.double-slash', 'GET', '//api//ghl//citas'],
      ['no-route.bad-escape', 'GET', '/api/ghl/%zz'],
      ['no-route.nul', 'GET', '/api/ghl/citas%00'],
      ['no-route.method-delete', 'DELETE', '/api/ghl/citas/7d444840-9dc0-11d1-b245-5ffdce74fad2'],
      ['no-route.method-patch', 'PATCH', '/api/ghl/citas'],
      ['no-route.method-options', 'OPTIONS', '/api/ghl/citas'],
      ['no-route.method-trace', 'TRACE', '/'],
      ['no-route.method-custom', 'FUZZ', '/api/ghl/citas'],
      ['no-route.absolute-uri', 'GET', 'http://evil.example/api/ghl/citas'],
      ['no-route.asterisk', 'OPTIONS', '*'],
      ['no-route.long-path', 'GET', `/${'p/'.repeat(3_000)}`],
      ['no-route.unicode', 'GET', '/api/ghl/%F0%9F%A6%B7'],
    ]);
    return { route: '(no route)', method, target, headers: [], variant, intent: 'hostile' };
  },
};

/**
 * Malformed HTTP aimed at real routes: Node's parser or the server's timeouts must answer,
 * and nothing behind them may see the request. Slow bodies are few: each holds a lane for
 * HTTP_REQUEST_TIMEOUT_MS.
 */
export function httpLevel(routes: readonly string[]): RouteGenerator {
  return {
    covers: [],
    weight: 2,
    generate(_ctx, prng) {
      const route = prng.pick(routes);
      const { method, url } = routeParts(route);
      const target = url.replace(/:\w+|\*/g, 'x');
      const base = { route, method, target };
      const readsNoBody = method === 'GET' || method === 'HEAD';
      const make = (
        variant: string,
        headers: Header[],
        body?: Buffer,
        noContentLength = true,
      ): FuzzRequest => ({
        ...base,
        variant: `http.${variant}`,
        headers,
        body,
        noContentLength,
        // A GET or HEAD route answers without reading a body, so a short or deep one is not its concern.
        intent: readsNoBody && (variant === 'short-body' || variant === 'chunked-deep') ? 'odd' : 'hostile',
      });
      return made<FuzzRequest>(prng, [
        ['header-20k', () => make('header-20k', [['x-fuzz', 'h'.repeat(20_000)]], undefined, false)],
        [
          'many-headers',
          () =>
            make(
              'many-headers',
              Array.from({ length: 3_000 }, (_, i): Header => [`x-h${i}`, '1']),
              undefined,
              false,
            ),
        ],
        [
          'nul-in-header',
          () =>
            make('nul-in-header', [['x-fuzz', Buffer.from(`a\u0000${CANARY}`, 'latin1')]], undefined, false),
        ],
        ['bad-header-name', () => make('bad-header-name', [['x fuzz(bad)', '1']], undefined, false)],
        [
          'cl-and-te',
          () =>
            make(
              'cl-and-te',
              [
                ['content-length', '4'],
                ['transfer-encoding', 'chunked'],
              ],
              Buffer.from('0\r\n\r\n'),
            ),
        ],
        [
          'bad-chunk',
          () =>
            make(
              'bad-chunk',
              [
                ['transfer-encoding', 'chunked'],
                ['content-type', 'application/json'],
              ],
              Buffer.from('zz\r\n{}\r\n0\r\n\r\n'),
            ),
        ],
        ['negative-cl', () => make('negative-cl', [['content-length', '-1']], Buffer.from('{}'))],
        [
          'double-cl',
          () =>
            make(
              'double-cl',
              [
                ['content-length', '2'],
                ['content-length', '3'],
              ],
              Buffer.from('{}'),
            ),
        ],
        [
          'huge-cl',
          () =>
            make(
              'huge-cl',
              [
                ['content-length', '99999999999999999999'],
                ['content-type', 'application/json'],
              ],
              Buffer.from('{}'),
            ),
        ],
        [
          'short-body',
          () =>
            make(
              'short-body',
              [
                ['content-length', '50'],
                ['content-type', 'application/json'],
              ],
              Buffer.from('{"a":'),
            ),
        ],
        [
          'chunked-deep',
          () => {
            const json = '['.repeat(2_000) + ']'.repeat(2_000);
            const chunk = `${json.length.toString(16)}\r\n${json}\r\n0\r\n\r\n`;
            return make(
              'chunked-deep',
              [
                ['transfer-encoding', 'chunked'],
                ['content-type', 'application/json'],
              ],
              Buffer.from(chunk),
            );
          },
        ],
      ])[1];
    },
  };
}
