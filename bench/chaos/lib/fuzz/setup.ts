import { randomBytes, sign } from 'node:crypto';
import { createApiKey, createWorkflowSecret, revokeApiKey, revokeWorkflowSecret } from '@ghl-bridge/db';
import { type RunningSandbox, startSandbox } from '@ghl-bridge/ghl-sandbox';
import { QUEUE_NAMES } from '@ghl-bridge/jobs';
import type { Child } from '../processes.js';
import { Stack } from '../stack.js';
import { bookings, postBookings } from '../staff-actions.js';
import { webhookKeys } from '../webhooks.js';
import type { FuzzContext } from './generators/index.js';

const LOCATION = 'loc-fuzz-a';
const OTHER_LOCATION = 'loc-fuzz-b';
const FOREIGN_LOCATION = 'loc-fuzz-foreign';
/** Citas booked before the fuzzing starts, so reads, edits and cancels have real targets. */
const SETUP_CITAS = 8;

export interface FuzzWorld {
  stack: Stack;
  sandbox: RunningSandbox;
  ingress: Child;
  worker: Child;
  ctx: FuzzContext;
  /** The environment the services run with (route discovery builds the app with it). */
  env: Record<string, string>;
  /** Every secret the run made, by name: none may appear in a log, and reports show names only. */
  secrets: Record<string, string>;
}

/**
 * ghl-bridge as a deployment runs it, on the suite's own PostgreSQL and Redis: ingress and a
 * worker bootstrapped with sandbox tokens for one location, staff keys (one revoked), workflow
 * secrets (one revoked), the admin token, an install state from /oauth/install, and a few
 * booked citas. Every fuzz request is made against this.
 */
export async function startWorld(): Promise<FuzzWorld> {
  // GHL's budget raised (sandbox and ghl-bridge alike), as in the latency bench: the valid
  // bookings of a run spend more than 90 calls per 10 s on one location, and a read a person
  // waits for would then wait for the next window (a 504). Pacing has suites of its own.
  const sandbox = await startSandbox({ logLevel: 'error', rateLimit: { max: 100_000, intervalMs: 10_000 } });
  const keys = webhookKeys();
  const adminToken = randomBytes(24).toString('base64url');
  const serviceEnv = {
    GHL_API_BASE_URL: sandbox.url,
    GHL_CLIENT_ID: sandbox.clientId,
    GHL_CLIENT_SECRET: sandbox.clientSecret,
    GHL_RATE_LIMIT_BURST: '50000',
    ADMIN_TOKEN: adminToken,
    GHL_OAUTH_REDIRECT_URI: 'http://127.0.0.1/oauth/callback',
    // The fuzzer sends its bogus codes from one address: the limit would hide the handler.
    OAUTH_CALLBACK_RATE_LIMIT: '10000',
    // Slow-body requests are part of the run: let the server cut them off quickly.
    HTTP_HEADERS_TIMEOUT_MS: '2000',
    HTTP_REQUEST_TIMEOUT_MS: '3000',
  };
  const stack = new Stack('fuzz', { webhookPublicKey: keys.publicKey, env: serviceEnv });
  stack.cleanup.add('sandbox', () => sandbox.close());
  try {
    const seeded = await sandbox.admin.seed({
      locations: [{ id: LOCATION, timezone: 'America/Lima', mintTokens: true }],
      calendars: [
        { locationId: LOCATION, name: 'Fuzz', teamMembers: [{ userId: 'user-fuzz-1', isPrimary: true }] },
      ],
    });
    const location = seeded.locations[0];
    const calendarId = seeded.calendars[0] ?? '';
    await stack.start();
    const ingress = await stack.startIngress();
    const worker = await stack.startWorker('worker', {
      GHL_LOCATION_ID: LOCATION,
      GHL_ACCESS_TOKEN: location?.tokens?.access_token ?? '',
      GHL_REFRESH_TOKEN: location?.tokens?.refresh_token ?? '',
    });
    const db = stack.database.db;
    const key = await createApiKey(db, { name: 'fuzz', locationIds: [LOCATION, OTHER_LOCATION] });
    const foreign = await createApiKey(db, { name: 'fuzz-foreign', locationIds: [FOREIGN_LOCATION] });
    const revoked = await createApiKey(db, { name: 'fuzz-revoked', locationIds: [LOCATION] });
    await revokeApiKey(db, revoked.apiKey.id);
    const workflow = await createWorkflowSecret(db, { locationId: LOCATION, name: 'fuzz' });
    const revokedWorkflow = await createWorkflowSecret(db, { locationId: LOCATION, name: 'fuzz-revoked' });
    await revokeWorkflowSecret(db, revokedWorkflow.workflowSecret.id);

    const install = await installState(stack.ingressUrl);
    const setup = bookings([{ locationId: LOCATION, calendarId }], SETUP_CITAS, 'fuzz-setup', 30);
    const booked = await postBookings(stack.ingressUrl, key.secret, setup, 4);
    if (booked.citaIds.length !== SETUP_CITAS)
      throw new Error(`setup bookings refused: ${booked.rejected.slice(0, 2).join('; ')}`);

    let id = 0;
    const slots = slotsFrom(Date.now() + 45 * 86_400_000);
    const ctx: FuzzContext = {
      locationId: LOCATION,
      calendarId,
      otherLocationId: OTHER_LOCATION,
      foreignLocationId: FOREIGN_LOCATION,
      apiKey: key.secret,
      foreignApiKey: foreign.secret,
      revokedApiKey: revoked.secret,
      adminToken,
      workflowSecret: workflow.secret,
      revokedWorkflowSecret: revokedWorkflow.secret,
      citaIds: booked.citaIds,
      install,
      queueNames: [...QUEUE_NAMES],
      ingressUrl: stack.ingressUrl,
      sign: (body) => sign(null, body, keys.privateKey).toString('base64'),
      now: Date.now(),
      nextSlot: () => slots.next().value as { start: string; end: string },
      nextId: () => ++id,
    };
    const secrets: Record<string, string> = {
      'api-key': key.secret,
      'foreign-api-key': foreign.secret,
      'revoked-api-key': revoked.secret,
      'admin-token': adminToken,
      'workflow-secret': workflow.secret,
      'revoked-workflow-secret': revokedWorkflow.secret,
      'client-secret': sandbox.clientSecret,
      'access-token': location?.tokens?.access_token ?? '',
      'refresh-token': location?.tokens?.refresh_token ?? '',
      'install-state': install.state,
      'install-nonce': install.nonce,
    };
    return { stack, sandbox, ingress, worker, ctx, env: stack.env, secrets };
  } catch (error) {
    await stack.close();
    throw error;
  }
}

/** A real state and nonce, from the redirect and cookie /oauth/install answers with. */
async function installState(url: string): Promise<{ state: string; nonce: string }> {
  const response = await fetch(`${url}/oauth/install`, { redirect: 'manual' });
  const location = response.headers.get('location') ?? '';
  const state = new URL(location).searchParams.get('state') ?? '';
  const nonce = /ghlb_oauth_nonce=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1] ?? '';
  if (!state || !nonce) throw new Error(`/oauth/install gave no state (${response.status})`);
  return { state, nonce };
}

/**
 * Distinct 30-minute slots inside the default business hours (America/Lima, UTC-5, Monday to
 * Saturday 08:00-20:00), from `fromMs` on: the valid bookings and moves never collide.
 */
function* slotsFrom(fromMs: number): Generator<{ start: string; end: string }> {
  const day = new Date(fromMs);
  for (;;) {
    const date = day.toISOString().slice(0, 10);
    if (new Date(`${date}T12:00:00Z`).getUTCDay() !== 0) {
      for (let half = 16; half < 40; half++) {
        const at = (h: number) =>
          `${date}T${String(Math.floor(h / 2)).padStart(2, '0')}:${h % 2 ? '30' : '00'}:00-05:00`;
        yield { start: at(half), end: at(half + 1) };
      }
    }
    day.setUTCDate(day.getUTCDate() + 1);
  }
}
