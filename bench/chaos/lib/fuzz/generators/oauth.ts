import type { Header } from '../headers.js';
import { CANARY } from '../hostile.js';
import type { FuzzRequest } from '../raw-http.js';
import { enc, queryString, routeParts } from './build.js';
import type { RouteGenerator } from './types.js';

const NONCE_COOKIE = 'ghlb_oauth_nonce';

/**
 * The install flow. Codes and states carry the canary: they are secrets and must never reach a
 * log. A well-formed code (with no state, or the real state and its cookie) is exchanged on
 * purpose: the sandbox refuses it (400 invalid_code), through one ghl-reads job each.
 */
export function oauthGenerators(): RouteGenerator[] {
  const codes: string[] = [];

  const install: RouteGenerator = {
    covers: ['GET /oauth/install'],
    weight: 2,
    generate(_ctx, prng, route) {
      const { method } = routeParts(route);
      const [variant, target, headers] = prng.pick<[string, string, Header[]]>([
        ['plain', '/oauth/install', []],
        ['junk-query', `/oauth/install?redirect_uri=${enc('https://evil.example/')}&state=x&scope=all`, []],
        ['repeated-query', '/oauth/install?a=1&a=2&a[]=3', []],
        ['huge-cookie', '/oauth/install', [['cookie', `${NONCE_COOKIE}=${'c'.repeat(6_000)}`]]],
        ['bad-cookie', '/oauth/install', [['cookie', `${NONCE_COOKIE}=%zz; ; =; a`]]],
        ['trailing-slash', '/oauth/install/', []],
      ]);
      // Always a redirect to GHL (or 429 past the limit): unusual input here changes nothing.
      return { route, method, target, headers, variant, intent: 'odd' };
    },
  };

  const callback: RouteGenerator = {
    covers: ['GET /oauth/callback'],
    weight: 5,
    generate(ctx, prng, route) {
      const { method } = routeParts(route);
      const code = `fz-code-${CANARY}-${ctx.nextId()}`;
      const at = (
        pairs: [string, string][],
        headers: Header[],
        variant: string,
        intent: FuzzRequest['intent'],
      ): FuzzRequest => ({
        route,
        method,
        target: `/oauth/callback${queryString(pairs)}`,
        headers,
        variant,
        intent,
      });
      const cookie: Header = ['cookie', `${NONCE_COOKIE}=${ctx.install.nonce}`];
      const roll = prng.next();
      if (method === 'GET' && roll < 0.15) {
        codes.push(code);
        return at([['code', code]], [], 'valid.bogus-code', 'valid');
      }
      if (method === 'GET' && roll < 0.2) {
        codes.push(code);
        return at(
          [
            ['code', code],
            ['state', enc(ctx.install.state)],
          ],
          [cookie],
          'valid.bogus-code-with-state',
          'valid',
        );
      }
      if (method === 'GET' && roll < 0.25 && codes.length > 0)
        return at([['code', prng.pick(codes)]], [], 'valid.code-again', 'valid');
      const [expires] = ctx.install.state.split('.').slice(1);
      const [variant, pairs, headers] = prng.pick<[string, [string, string][], Header[]]>([
        ['code.missing', [], []],
        ['code.empty', [['code', '']], []],
        ['code.nul', [['code', `a%00${CANARY}`]], []],
        ['code.space', [['code', `a%20${CANARY}`]], []],
        ['code.too-long', [['code', CANARY + 'c'.repeat(3_000)]], []],
        [
          'code.repeated',
          [
            ['code', code],
            ['code', code],
          ],
          [],
        ],
        ['code.array-syntax', [['code[]', code]], []],
        ['code.invalid-utf8', [['code', `%C0%80${CANARY}`]], []],
        ['code.unicode', [['code', `%C3%B1${CANARY}`]], []],
        [
          'state.forged',
          [
            ['code', code],
            ['state', `${CANARY}.1.${prng.chars(43)}`],
          ],
          [cookie],
        ],
        [
          'state.malformed',
          [
            ['code', code],
            ['state', CANARY],
          ],
          [cookie],
        ],
        [
          'state.far-expiry',
          [
            ['code', code],
            ['state', `${ctx.install.nonce}.99999999999999.${prng.chars(43)}`],
          ],
          [cookie],
        ],
        [
          'state.tampered-expiry',
          [
            ['code', code],
            ['state', enc(ctx.install.state.replace(expires ?? '', '9'.repeat(13)))],
          ],
          [cookie],
        ],
        [
          'state.no-cookie',
          [
            ['code', code],
            ['state', enc(ctx.install.state)],
          ],
          [],
        ],
        [
          'state.other-cookie',
          [
            ['code', code],
            ['state', enc(ctx.install.state)],
          ],
          [['cookie', `${NONCE_COOKIE}=${CANARY}`]],
        ],
        [
          'state.cookie-bad-escape',
          [
            ['code', code],
            ['state', enc(ctx.install.state)],
          ],
          [['cookie', `${NONCE_COOKIE}=%E0%A4%A`]],
        ],
        [
          'state.cookie-duplicate',
          [
            ['code', code],
            ['state', enc(ctx.install.state)],
          ],
          [['cookie', `${NONCE_COOKIE}=${CANARY}; ${NONCE_COOKIE}=${ctx.install.nonce}`]],
        ],
        [
          'state.too-long',
          [
            ['code', code],
            ['state', CANARY + 's'.repeat(600)],
          ],
          [cookie],
        ],
        [
          'state.nul',
          [
            ['code', code],
            ['state', `${enc(ctx.install.state)}%00`],
          ],
          [cookie],
        ],
        [
          'state.empty',
          [
            ['code', code],
            ['state', ''],
          ],
          [cookie],
        ],
        [
          'state.repeated',
          [
            ['code', code],
            ['state', enc(ctx.install.state)],
            ['state', enc(ctx.install.state)],
          ],
          [cookie],
        ],
      ]);
      return at(pairs, headers, variant, 'hostile');
    },
  };

  return [install, callback];
}
