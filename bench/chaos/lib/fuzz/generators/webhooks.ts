import type { Header } from '../headers.js';
import { brokenBody, CANARY, type Json, nested, spliceInvalidUtf8, toJsonText } from '../hostile.js';
import type { Prng } from '../prng.js';
import type { FuzzRequest } from '../raw-http.js';
import type { FuzzContext, RouteGenerator } from './types.js';
import { type Body, badSignature, event, HOUR, strangeButSigned } from './webhook-bodies.js';

function signedRequest(
  ctx: FuzzContext,
  route: string,
  target: string,
  raw: Buffer,
  variant: string,
  intent: FuzzRequest['intent'],
  extra: Header[] = [],
): FuzzRequest {
  return {
    route,
    method: 'POST',
    target,
    headers: [['content-type', 'application/json'], ['x-ghl-signature', ctx.sign(raw)], ...extra],
    body: raw,
    variant,
    intent,
  };
}

/** Both webhook routes: GHL's signed app webhooks, and workflow webhooks with a location secret. */
export function webhookGenerators(): RouteGenerator[] {
  const app: RouteGenerator = {
    covers: ['POST /api/webhooks/ghl'],
    weight: 14,
    generate(ctx, prng, route) {
      const target = prng.chance(0.5) ? '/api/webhooks/ghl/' : '/api/webhooks/ghl';
      const location = prng.pick(['loc-fz-wh-1', 'loc-fz-wh-2', ctx.foreignLocationId]);
      const body = event(ctx, prng, location);
      const raw = Buffer.from(toJsonText(body));
      const roll = prng.next();
      if (roll < 0.12) return signedRequest(ctx, route, target, raw, 'valid', 'valid');
      if (roll < 0.42) {
        const [variant, strange] = strangeButSigned(ctx, prng, body);
        const bytes = Buffer.from(toJsonText(strange));
        // Over the body limit, a signed body is still refused (413) before anything reads it.
        return signedRequest(
          ctx,
          route,
          target,
          bytes,
          variant,
          bytes.length > 1_048_576 ? 'hostile' : 'valid',
        );
      }
      if (roll < 0.47) {
        const marker = `fz-marker-${prng.chars(6)}`;
        const bytes = spliceInvalidUtf8(toJsonText({ ...body, note: marker }), JSON.stringify(marker), prng);
        return signedRequest(ctx, route, target, bytes, 'signed.invalid-utf8-in-string', 'valid');
      }
      if (roll < 0.7) {
        const [variant, headers] = badSignature(ctx, prng, raw, ctx.sign(raw));
        return {
          route,
          method: 'POST',
          target,
          headers: [['content-type', 'application/json'], ...headers],
          body: raw,
          variant,
          intent: 'hostile',
        };
      }
      return refusedButSigned(ctx, prng, route, target, body);
    },
  };

  const workflow: RouteGenerator = {
    covers: ['POST /api/webhooks/ghl/workflow'],
    weight: 8,
    generate(ctx, prng, route) {
      const target = prng.chance(0.5) ? '/api/webhooks/ghl/workflow/' : '/api/webhooks/ghl/workflow';
      const body = event(ctx, prng, ctx.locationId);
      const raw = Buffer.from(toJsonText(body));
      const secret: Header = ['x-ghl-bridge-secret', ctx.workflowSecret];
      const send = (
        bytes: Buffer,
        headers: Header[],
        variant: string,
        intent: FuzzRequest['intent'],
      ): FuzzRequest => ({
        route,
        method: 'POST',
        target,
        headers: [['content-type', 'application/json'], ...headers],
        body: bytes,
        variant,
        intent,
      });
      const roll = prng.next();
      if (roll < 0.15) return send(raw, [secret], 'valid', 'valid');
      if (roll < 0.2) {
        const { locationId: _l, ...rest } = body;
        return send(Buffer.from(toJsonText(rest)), [secret], 'valid.no-location', 'valid');
      }
      if (roll < 0.24 && body.appointment) {
        // Stored (200), then ignored by the worker: the calendar is not one of the secret's location.
        const calendarId = prng.pick([`cal-of-loc-fz-wh-1`, `cal-fz-unknown-${ctx.nextId()}`]);
        const other = { ...body, appointment: { ...(body.appointment as Body), calendarId } };
        return send(Buffer.from(toJsonText(other)), [secret], 'valid.calendar-of-another-location', 'valid');
      }
      if (roll < 0.45) {
        const [variant, headers] = prng.pick<[string, Header[]]>([
          ['secret.missing', []],
          ['secret.empty', [['x-ghl-bridge-secret', '']]],
          ['secret.wrong', [['x-ghl-bridge-secret', `ghlw_${CANARY}${prng.chars(30)}`]]],
          ['secret.revoked', [['x-ghl-bridge-secret', ctx.revokedWorkflowSecret]]],
          ['secret.too-long', [['x-ghl-bridge-secret', `${ctx.workflowSecret}${'s'.repeat(300)}`]]],
          ['secret.prefix', [['x-ghl-bridge-secret', ctx.workflowSecret.slice(0, -2)]]],
          ['secret.duplicate', [secret, ['x-ghl-bridge-secret', `ghlw_${CANARY}`]]],
          ['secret.in-authorization', [['authorization', `Bearer ${ctx.workflowSecret}`]]],
          ['secret.staff-key', [['x-ghl-bridge-secret', ctx.apiKey]]],
          ['secret.ghl-signature-instead', [['x-ghl-signature', ctx.sign(raw)]]],
        ]);
        return send(raw, headers, variant, 'hostile');
      }
      if (roll < 0.75) {
        const [variant, refused] = prng.pick<[string, Json]>([
          ['scope.install', { ...body, type: 'INSTALL' }],
          ['scope.uninstall', { ...body, type: 'UNINSTALL' }],
          ['scope.other-location', { ...body, locationId: ctx.otherLocationId }],
          ['scope.foreign-location', { ...body, locationId: ctx.foreignLocationId }],
          ['scope.location-nul', { ...body, locationId: `${ctx.locationId}\u0000` }],
          ['scope.no-type', { ...body, type: null }],
          ['scope.type-number', { ...body, type: 1 }],
          ['scope.webhook-id-number', { ...body, webhookId: 5 }],
          ['scope.webhook-id-long', { ...body, webhookId: CANARY + 'w'.repeat(300) }],
          ['scope.stale', { ...body, timestamp: new Date(ctx.now - 3 * HOUR).toISOString() }],
          ['scope.future', { ...body, timestamp: new Date(ctx.now + HOUR).toISOString() }],
          ['scope.timestamp-junk', { ...body, timestamp: `0000-00-00 ${CANARY}` }],
        ]);
        return send(Buffer.from(toJsonText(refused)), [secret], variant, 'hostile');
      }
      const [variant, bytes, contentType] = bodyLevelRefusal(prng, raw);
      const headers: Header[] = [secret];
      return {
        ...send(bytes, headers, variant, 'hostile'),
        headers: contentType === undefined ? headers : [['content-type', contentType], ...headers],
      };
    },
  };

  return [app, workflow];
}

/** Validly signed, still refused: too old, too new, too deep, too big, not an object, not JSON. */
function refusedButSigned(
  ctx: FuzzContext,
  prng: Prng,
  route: string,
  target: string,
  body: Body,
): FuzzRequest {
  const roll = prng.next();
  if (roll < 0.4) {
    const [variant, timestamp] = prng.pick<[string, Json]>([
      ['time.stale-3h', new Date(ctx.now - 3 * HOUR).toISOString()],
      ['time.future-1h', new Date(ctx.now + HOUR).toISOString()],
      ['time.year-0000', '0000-01-01T00:00:00Z'],
      ['time.year-10000', '10000-01-01T00:00:00Z'],
      ['time.number', ctx.now],
      ['time.junk', `soon ${CANARY}`],
      ['time.nul', `\u0000${CANARY}`],
    ]);
    const raw = Buffer.from(toJsonText({ ...body, timestamp }));
    return signedRequest(ctx, route, target, raw, variant, 'hostile');
  }
  const [variant, bytes, contentType] = bodyLevelRefusal(prng, Buffer.from(toJsonText(body)));
  const request = signedRequest(ctx, route, target, bytes, variant, 'hostile');
  if (contentType === undefined) return request;
  return {
    ...request,
    headers: [['content-type', contentType], ...request.headers.filter(([n]) => n !== 'content-type')],
  };
}

/** Bodies either webhook route refuses whoever sent them. The content type when not JSON. */
function bodyLevelRefusal(prng: Prng, raw: Buffer): [string, Buffer, string | undefined] {
  const roll = prng.next();
  if (roll < 0.15) return ['body.deep-65', Buffer.from(toJsonText({ a: nested(64, 'array') })), undefined];
  if (roll < 0.25)
    return ['body.deep-5000', Buffer.from(toJsonText({ a: nested(5_000, 'object') })), undefined];
  if (roll < 0.35)
    return ['body.over-1mib', Buffer.from(toJsonText({ pad: CANARY + 'p'.repeat(1_100_000) })), undefined];
  if (roll < 0.5)
    return [
      `ct.${prng.pick(['text', 'form', 'none'])}`,
      raw,
      prng.pick(['text/plain', 'application/x-www-form-urlencoded', '']),
    ];
  const broken = brokenBody(prng, raw.toString());
  // Deep JSON that still parses is refused as too deep; the rest as not a JSON object.
  return [broken.label, broken.bytes, undefined];
}
