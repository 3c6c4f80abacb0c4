import { bearerVariants, type Header } from '../headers.js';
import type { Prng } from '../prng.js';
import type { FuzzContext } from './types.js';

export interface StaffAuth {
  label: string;
  headers: Header[];
  /** `valid`: the key of the suite's locations; `foreign`: a working key of another location. */
  as: 'valid' | 'foreign' | 'refused';
}

/** Mostly the valid key (so requests reach validation), else every way a credential goes wrong. */
export function staffAuth(ctx: FuzzContext, prng: Prng, validShare = 0.75): StaffAuth {
  const roll = prng.next();
  if (roll < validShare)
    return { label: '', headers: [['authorization', `Bearer ${ctx.apiKey}`]], as: 'valid' };
  if (roll < validShare + 0.05)
    return {
      label: 'auth.foreign-key',
      headers: [['authorization', `Bearer ${ctx.foreignApiKey}`]],
      as: 'foreign',
    };
  if (roll < validShare + 0.08)
    return {
      label: 'auth.revoked-key',
      headers: [['authorization', `Bearer ${ctx.revokedApiKey}`]],
      as: 'refused',
    };
  if (roll < validShare + 0.1)
    return {
      label: 'auth.admin-token',
      headers: [['authorization', `Bearer ${ctx.adminToken}`]],
      as: 'refused',
    };
  const variant = bearerVariants(ctx.apiKey, prng);
  return { label: variant.label, headers: variant.headers, as: variant.works ? 'valid' : 'refused' };
}

/** Variant label parts joined, skipping the empty ones. */
export const label = (...parts: string[]) => parts.filter(Boolean).join('+') || 'valid';
