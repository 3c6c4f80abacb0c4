import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ghlId } from '../domain/ids.js';
import { ghlError, parseOr422 } from '../http/errors.js';
import type { FaultRule } from '../http/faults.js';
import { applySeed, mintForCompany, mintForLocation } from '../seed.js';
import type { SandboxState } from '../state.js';
import type { WebhookDeliveryOptions } from '../webhooks/dispatcher.js';
import { uiRoutes } from './ui-routes.js';

const faultRule = z.object({
  route: z.string(),
  errorRate: z.number().min(0).max(1).optional(),
  status: z.number().int().min(400).max(599).optional(),
  latencyMs: z.number().min(0).optional(),
  latencyRate: z.number().min(0).max(1).optional(),
  resetRate: z.number().min(0).max(1).optional(),
  times: z.number().int().min(0).optional(),
}) satisfies z.ZodType<FaultRule>;

/**
 * `/_sandbox/*`: seed, script faults, mint/expire tokens, move the clock, read counters and
 * the request log, point webhooks somewhere. No GHL auth, not rate limited, not logged.
 */
export function adminRoutes(app: FastifyInstance, state: SandboxState): void {
  const { store, tokens, inspection, dispatcher, faults, limiter, clock } = state;
  const p = '/_sandbox';

  app.get(`${p}/health`, async () => ({ ok: true }));
  app.get(`${p}/keys`, async () => state.signer.publicKeys);
  app.get(`${p}/config`, async () => ({
    clientId: state.options.clientId,
    appId: state.options.appId,
    accessTokenTtlSec: tokens.accessTtlSec,
    rateLimit: limiter.config,
    webhook: dispatcher.options,
  }));

  app.post(`${p}/seed`, async (request) => {
    const parsed = z.unknown().parse(request.body ?? {});
    try {
      return applySeed(state, parsed);
    } catch (err) {
      if (err instanceof z.ZodError)
        throw ghlError(
          422,
          err.issues.map((i) => `${i.path.join('.')} ${i.message}`),
        );
      throw err;
    }
  });

  app.post(`${p}/tokens`, async (request) => {
    const body = parseOr422(
      z.object({ locationId: z.string().optional(), companyId: z.string().optional() }),
      request.body,
    );
    if (body.locationId) {
      const location = store.locations.get(body.locationId);
      if (!location) throw ghlError(404, 'Unknown location');
      return mintForLocation(state, location);
    }
    if (body.companyId && store.companies.has(body.companyId)) return mintForCompany(state, body.companyId);
    throw ghlError(404, 'Give a known locationId or companyId');
  });
  app.post(`${p}/tokens/expire`, async (request) => {
    const body = parseOr422(z.object({ accessTokens: z.array(z.string()).optional() }), request.body);
    return { expired: tokens.expire(body.accessTokens) };
  });

  app.get(`${p}/clock`, async () => ({ now: new Date(clock.now()).toISOString(), offsetMs: clock.offset }));
  app.post(`${p}/clock/advance`, async (request) => {
    const { ms } = parseOr422(z.object({ ms: z.number() }), request.body);
    clock.advance(ms);
    return { now: new Date(clock.now()).toISOString(), offsetMs: clock.offset };
  });

  app.get(`${p}/faults`, async () => ({ faults: faults.list() }));
  app.put(`${p}/faults`, async (request) => {
    faults.set(parseOr422(z.object({ faults: z.array(faultRule) }), request.body).faults);
    return { faults: faults.list() };
  });
  app.post(`${p}/faults`, async (request) => {
    faults.add(parseOr422(faultRule, request.body));
    return { faults: faults.list() };
  });
  app.delete(`${p}/faults`, async () => {
    faults.set([]);
    return { faults: [] };
  });

  app.put(`${p}/rate-limit`, async (request) => {
    const body = parseOr422(
      z.object({
        max: z.number().int().positive().optional(),
        intervalMs: z.number().int().positive().optional(),
        daily: z.number().int().positive().optional(),
      }),
      request.body,
    );
    limiter.config = { ...limiter.config, ...body };
    limiter.reset();
    return limiter.config;
  });

  app.get(`${p}/counters`, async () => inspection.snapshot());
  app.get(`${p}/requests`, async () => ({ requests: inspection.requests() }));
  app.delete(`${p}/requests`, async () => {
    inspection.reset();
    return { ok: true };
  });

  app.put(`${p}/webhook`, async (request) => {
    dispatcher.options = { ...dispatcher.options, ...(request.body as Partial<WebhookDeliveryOptions>) };
    return dispatcher.options;
  });
  app.get(`${p}/webhooks`, async () => ({ deliveries: dispatcher.deliveries() }));
  app.delete(`${p}/webhooks`, async () => {
    dispatcher.clear();
    return { ok: true };
  });
  app.post(`${p}/webhooks/idle`, async (request) => {
    const { timeoutMs } = parseOr422(z.object({ timeoutMs: z.number().optional() }), request.body);
    const timedOut = await Promise.race([
      dispatcher.idle().then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), timeoutMs ?? 5000).unref()),
    ]);
    return { idle: !timedOut, deliveries: dispatcher.deliveries() };
  });

  app.post(`${p}/install`, async (request) => {
    const body = parseOr422(z.object({ locationId: z.string() }), request.body);
    const location = store.locations.get(body.locationId);
    if (!location) throw ghlError(404, 'Unknown location');
    tokens.recordInstall(location.companyId, location.id);
    store.emit({ type: 'INSTALL', companyId: location.companyId, locationId: location.id, userId: ghlId() });
    return { ok: true };
  });
  app.post(`${p}/uninstall`, async (request) => {
    const body = parseOr422(z.object({ locationId: z.string() }), request.body);
    const location = store.locations.get(body.locationId);
    if (!location) throw ghlError(404, 'Unknown location');
    tokens.revokeResource(location.id);
    store.emit({ type: 'UNINSTALL', companyId: location.companyId, locationId: location.id });
    return { ok: true };
  });

  app.get(`${p}/appointments`, async () => ({ appointments: [...store.appointments.values()] }));
  app.get(`${p}/contacts`, async () => ({ contacts: [...store.contacts.values()] }));

  // Changes a GHL user makes in GHL's UI live in their own file.
  uiRoutes(app, state);
}
