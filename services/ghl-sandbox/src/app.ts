import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  LogController,
} from 'fastify';
import { pino } from 'pino';
import { adminRoutes } from './admin/routes.js';
import { AppointmentOps } from './domain/appointment-ops.js';
import { Clock } from './domain/clock.js';
import { createRandom } from './domain/prng.js';
import { Store } from './domain/store.js';
import { TokenStore } from './domain/tokens.js';
import { apiGuard } from './http/api-guard.js';
import { GhlError, ghlError, reason } from './http/errors.js';
import { Faults } from './http/faults.js';
import { Inspection } from './http/inspection.js';
import { DEFAULT_RATE_LIMIT, RateLimiter } from './http/rate-limit.js';
import { resolveOptions, type SandboxOptions } from './options.js';
import { restoreSnapshot } from './persistence/snapshot.js';
import { readStateFile, StateSaver } from './persistence/state-file.js';
import { appointmentRoutes } from './routes/appointments.js';
import { blockedSlotRoutes } from './routes/blocked-slots.js';
import { calendarRoutes } from './routes/calendars.js';
import { contactRoutes } from './routes/contacts.js';
import { oauthRoutes } from './routes/oauth.js';
import { oauthAdminRoutes } from './routes/oauth-admin.js';
import { applySeed, type SeedResult } from './seed.js';
import type { SandboxState } from './state.js';
import { Dispatcher } from './webhooks/dispatcher.js';
import { webhookPayload } from './webhooks/payloads.js';
import { createSigner } from './webhooks/signer.js';

export interface Sandbox {
  app: FastifyInstance;
  state: SandboxState;
  /** What `options.seed` created (ids, minted tokens), when a seed was given and applied. */
  seedResult?: SeedResult;
  /** True when the state came from `options.stateFile` (the seed was then not applied). */
  restored: boolean;
}

/** Builds the sandbox (not listening). main.ts and startSandbox listen on it. */
export async function buildSandbox(input: SandboxOptions = {}): Promise<Sandbox> {
  const options = resolveOptions(input);
  const log = input.logger ?? pino({ level: input.logLevel ?? 'warn', name: 'ghl-sandbox' });
  const clock = new Clock();
  const random = createRandom(input.randomSeed);
  const store = new Store();
  const saved = input.stateFile ? await readStateFile(input.stateFile) : undefined;
  const signer = await createSigner(options.rsaModulusLength, saved?.signingKeys);
  const state: SandboxState = {
    options,
    clock,
    random,
    store,
    appointments: new AppointmentOps(store, clock),
    tokens: new TokenStore(clock, options.accessTokenTtlSec),
    limiter: new RateLimiter(clock, { ...DEFAULT_RATE_LIMIT, ...input.rateLimit }),
    faults: new Faults(random),
    inspection: new Inspection(options.requestLogSize),
    dispatcher: new Dispatcher(signer, clock, random, log, input.webhook ?? {}),
    signer,
    log,
  };
  state.faults.set(input.faults ?? []);
  if (saved) restoreSnapshot(state, saved);
  store.onChange((event) => {
    state.inspection.count(`webhook.${event.type}`);
    state.dispatcher.send(
      webhookPayload(event, { store, appId: options.appId, versionId: options.versionId }),
    );
  });

  // pino's Logger is a FastifyBaseLogger; widening keeps FastifyInstance's default generics.
  const app: FastifyInstance = Fastify({
    loggerInstance: log as FastifyBaseLogger, // No per-request logging: the hot path stays lean; the inspection log covers tests.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.decorateRequest('grant', null);

  // Own parsers: an empty JSON body is fine (DELETE with Content-Type set), form bodies for OAuth.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(ghlError(400, 'Unexpected token in JSON body'), undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.addHook('onRequest', apiGuard(state));
  app.addHook('onResponse', async (request, reply) => {
    if (!request.routeOptions.config.api && request.routeOptions.url !== undefined) return;
    const route = request.routeOptions.url ?? '';
    state.inspection.count(`${request.method} ${route}`);
    state.inspection.record({
      at: new Date(clock.now()).toISOString(),
      method: request.method,
      url: request.url,
      route,
      statusCode: reply.statusCode,
      resourceId: request.grant?.locationId ?? request.grant?.companyId,
    });
  });

  app.setErrorHandler((err: FastifyError | GhlError, request, reply) => {
    if (err instanceof GhlError) return reply.code(err.statusCode).send(err.body);
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) request.log.error({ err }, 'sandbox handler failed');
    return reply.code(status).send({
      statusCode: status,
      message: status === 500 ? 'Internal server error' : err.message,
      error: reason(status),
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      statusCode: 404,
      message: `Cannot ${request.method} ${request.url.split('?')[0]}`,
      error: 'Not Found',
    }),
  );

  oauthRoutes(app, state);
  oauthAdminRoutes(app, state);
  calendarRoutes(app, state);
  appointmentRoutes(app, state);
  contactRoutes(app, state);
  blockedSlotRoutes(app, state);
  adminRoutes(app, state);
  app.addHook('onClose', async () => state.dispatcher.close());

  const seedResult = input.seed && !saved ? applySeed(state, input.seed) : undefined;
  if (input.stateFile) {
    const saver = new StateSaver(state, input.stateFile, input.stateSaveDelayMs ?? 100, log);
    // Any call may change state (records, tokens, codes, the clock); the write is debounced.
    app.addHook('onResponse', async () => saver.changed());
    store.onChange(() => saver.changed());
    app.addHook('onClose', async () => saver.close());
    if (!saved) await saver.flush();
  }
  return { app, state, seedResult, restored: saved !== undefined };
}
