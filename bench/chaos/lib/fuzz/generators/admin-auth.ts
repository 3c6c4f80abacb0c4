import type { Header } from '../headers.js';
import { CANARY } from '../hostile.js';
import type { Prng } from '../prng.js';
import type { FuzzContext } from './types.js';

/** The admin token as `Bearer` or as basic auth for `admin`, or every way to get it wrong. */
export function adminAuth(
  ctx: FuzzContext,
  prng: Prng,
  validShare: number,
): { label: string; headers: Header[]; ok: boolean } {
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  if (prng.chance(validShare))
    return prng.chance(0.8)
      ? { label: '', headers: [['authorization', `Bearer ${ctx.adminToken}`]], ok: true }
      : { label: 'auth.basic-admin', headers: [['authorization', basic('admin', ctx.adminToken)]], ok: true };
  const [label, headers] = prng.pick<[string, Header[]]>([
    ['auth.missing', []],
    ['auth.token-then-junk', [['authorization', `Bearer ${ctx.adminToken} ${CANARY}`]]],
    ['auth.basic-other-user', [['authorization', basic('root', ctx.adminToken)]]],
    ['auth.basic-no-colon', [['authorization', `Basic ${Buffer.from(ctx.adminToken).toString('base64')}`]]],
    ['auth.basic-junk-base64', [['authorization', `Basic ${CANARY}!!%%`]]],
    ['auth.prefix', [['authorization', `Bearer ${ctx.adminToken.slice(0, 20)}`]]],
    ['auth.staff-key', [['authorization', `Bearer ${ctx.apiKey}`]]],
    ['auth.workflow-secret', [['authorization', `Bearer ${ctx.workflowSecret}`]]],
    [
      'auth.duplicate-junk-first',
      [
        ['authorization', `Bearer ${CANARY}`],
        ['authorization', `Bearer ${ctx.adminToken}`],
      ],
    ],
    ['auth.oversized', [['authorization', `Bearer ${CANARY}${'a'.repeat(15_000)}`]]],
    ['auth.nul', [['authorization', Buffer.from(`Bearer ${ctx.adminToken}\u0000`, 'latin1')]]],
    ['auth.no-scheme', [['authorization', ctx.adminToken]]],
  ]);
  return { label, headers, ok: false };
}
