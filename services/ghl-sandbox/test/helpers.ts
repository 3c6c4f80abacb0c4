import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RunningSandbox, type StartSandboxOptions, startSandbox } from '../src/index.js';

const CAL_VERSION = '2021-04-15';
const CONTACTS_VERSION = '2021-07-28';

export interface World {
  sandbox: RunningSandbox;
  locationId: string;
  companyId: string;
  calendarId: string;
  userId: string;
  contactId: string;
  accessToken: string;
  refreshToken: string;
}

/** A sandbox with one company, one location in America/Lima, one calendar, user and contact, and tokens. */
export async function startWorld(options: StartSandboxOptions = {}): Promise<World> {
  const sandbox = await startSandbox({ logLevel: 'warn', ...options });
  const seeded = await sandbox.admin.seed({
    companies: [{ id: 'company-1', name: 'Clinic Group' }],
    locations: [{ id: 'location-1', companyId: 'company-1', timezone: 'America/Lima', mintTokens: true }],
    users: [{ id: 'user-1', locationId: 'location-1', name: 'Dr. Quispe' }],
    calendars: [
      {
        id: 'calendar-1',
        locationId: 'location-1',
        name: 'Consultas',
        slotDuration: 30,
        teamMembers: ['user-1'],
      },
    ],
    contacts: [
      {
        id: 'contact-1',
        locationId: 'location-1',
        firstName: 'Ana',
        lastName: 'Rojas',
        email: 'ana@example.com',
      },
    ],
  });
  const tokens = seeded.locations[0]?.tokens;
  if (!tokens) throw new Error('seed did not mint tokens');
  return {
    sandbox,
    locationId: 'location-1',
    companyId: 'company-1',
    calendarId: 'calendar-1',
    userId: 'user-1',
    contactId: 'contact-1',
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
  };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Minimal GHL client call: JSON in, JSON out, bearer + Version headers. */
export async function api(
  world: World,
  method: string,
  path: string,
  opts: { body?: unknown; version?: string | null; token?: string | null } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const version =
    opts.version === undefined
      ? path.startsWith('/contacts')
        ? CONTACTS_VERSION
        : CAL_VERSION
      : opts.version;
  if (version) headers.version = version;
  const token = opts.token === undefined ? world.accessToken : opts.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${world.sandbox.url}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export async function form(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** Asserts every listed field, when present, has the given JSON type; required ones must be present. */
export function shapeErrors(
  obj: unknown,
  fields: Record<string, { type: string; required?: boolean }>,
): string[] {
  const errors: string[] = [];
  if (typeof obj !== 'object' || obj === null) return ['not an object'];
  const rec = obj as Record<string, unknown>;
  for (const [name, spec] of Object.entries(fields)) {
    if (name.includes('.') || name.includes('[')) continue;
    const v = rec[name];
    if (v === undefined) {
      if (spec.required) errors.push(`${name} missing`);
      continue;
    }
    // The spec types event times as "object" but every example is an ISO string.
    const t = Array.isArray(v) ? 'array' : typeof v;
    const expected = spec.type === 'object' && typeof v === 'string' ? 'string' : spec.type;
    if (t !== expected) errors.push(`${name}: ${t} != ${expected}`);
  }
  return errors;
}

export interface ReceivedWebhook {
  raw: Buffer;
  headers: IncomingHttpHeaders;
  json: Record<string, unknown>;
}

/** Tiny receiver on 127.0.0.1:0 that keeps the raw bytes; answers `status()` (default 200). */
export async function startReceiver(status: () => number = () => 200): Promise<{
  url: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}> {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      received.push({ raw, headers: req.headers, json: JSON.parse(raw.toString('utf8')) });
      res.statusCode = status();
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/ghl`,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

type FieldSpec = { type: string; required?: boolean };

/** Field lists from GHL's spec, copied from /work/shared/ghl-examples/api into test/fixtures. */
export function responseFields(operation: string, status = '200'): Record<string, FieldSpec> {
  const file = JSON.parse(
    readFileSync(new URL(`./fixtures/ghl-api/${operation}.json`, import.meta.url), 'utf8'),
  ) as {
    responses: Record<string, { fields: Record<string, FieldSpec> }>;
  };
  const r = file.responses[status];
  if (!r) throw new Error(`${operation} has no ${status} response`);
  return r.fields;
}

/** The fields under a prefix, e.g. `events[].` or `contact.`, with the prefix removed. */
export function under(fields: Record<string, FieldSpec>, prefix: string): Record<string, FieldSpec> {
  return Object.fromEntries(
    Object.entries(fields)
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => [k.slice(prefix.length), v]),
  );
}

/** A weekday at least two days ahead at `hh:mm` Lima time (UTC-5, no DST), as GHL renders slots. */
export function limaSlot(hh = 10, mm = 0, daysAhead = 2): { iso: string; ms: number; date: string } {
  const d = new Date(Date.now() + daysAhead * 86_400_000);
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() + 1);
  const date = d.toISOString().slice(0, 10);
  const pad = (n: number) => String(n).padStart(2, '0');
  const iso = `${date}T${pad(hh)}:${pad(mm)}:00-05:00`;
  return { iso, ms: Date.parse(iso), date };
}

/** GHL's published example body for a webhook type, from test/fixtures/ghl-webhooks. */
export function webhookExample(
  type: 'AppointmentCreate' | 'ContactCreate' | 'ContactUpdate' | 'ContactTagUpdate' | 'ContactDndUpdate',
): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/ghl-webhooks/${type}.json`, import.meta.url), 'utf8'));
}

/**
 * Like `limaSlot`, on the `n`-th weekday (0-based) from two days ahead, so tests that must
 * not share a day get distinct dates even across a weekend.
 */
export function limaWeekdaySlot(n: number, hh = 10, mm = 0): { iso: string; ms: number; date: string } {
  const d = new Date(Date.now() + 2 * 86_400_000);
  for (let seen = -1; ; d.setUTCDate(d.getUTCDate() + 1)) {
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) seen++;
    if (seen === n) break;
  }
  const date = d.toISOString().slice(0, 10);
  const pad = (v: number) => String(v).padStart(2, '0');
  const iso = `${date}T${pad(hh)}:${pad(mm)}:00-05:00`;
  return { iso, ms: Date.parse(iso), date };
}
