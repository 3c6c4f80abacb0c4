export type { BudgetHolder } from './budget/budget-holder.js';
export { type BudgetDecision, RateBudget, type RateBudgetConfig } from './budget/rate-budget.js';
export { type AppointmentInput, type AppointmentUpdate, type ContactInput, GhlClient } from './client.js';
export { type CreateGhlOptions, createGhl, type Ghl } from './create-ghl.js';
export * from './errors.js';
export {
  createGhlHttp,
  GHL_VERSION,
  type GhlHttp,
  type GhlRequest,
  type GhlResponse,
} from './http/ghl-http.js';
export { GhlInstalls, type InstalledFromCode } from './install.js';
export { accessTokenKey, budgetKeys, refreshLockKey } from './location-keys.js';
export { OAuthApi } from './oauth-api.js';
export {
  isLastWord,
  type QueueVerdict,
  queueVerdict,
  type RunGhlJobOptions,
  runGhlJob,
} from './queue/run-ghl-job.js';
export type { GhlAppointmentWrite, GhlBlockedSlot, GhlCalendar, GhlCalendarEvent } from './schemas.js';
export { type AccessGrant, TokenManager } from './tokens/token-manager.js';
export { type StoredTokens, type TokenSet, TokenStore } from './tokens/token-store.js';
