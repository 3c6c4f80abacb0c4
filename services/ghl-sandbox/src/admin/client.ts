import type { Appointment, BlockedSlot, Contact } from '../domain/types.js';
import type { FaultRule } from '../http/faults.js';
import type { LoggedRequest } from '../http/inspection.js';
import type { RateLimitConfig } from '../http/rate-limit.js';
import type { MintedTokens, SeedInput, SeedResult } from '../seed.js';
import type { DeliveryRecord, WebhookDeliveryOptions } from '../webhooks/dispatcher.js';
import type { PublicKeys } from '../webhooks/signer.js';

/** Typed client for `/_sandbox/*`. Throws on any non-2xx answer. */
export interface SandboxAdmin {
  keys(): Promise<PublicKeys>;
  seed(input: SeedInput): Promise<SeedResult>;
  /** Mint an access/refresh pair without the browser flow. */
  mintTokens(target: { locationId: string } | { companyId: string }): Promise<MintedTokens>;
  /** Expire access tokens now (all when none given). */
  expireTokens(accessTokens?: string[]): Promise<{ expired: number }>;
  advanceClock(ms: number): Promise<{ now: string; offsetMs: number }>;
  setFaults(faults: FaultRule[]): Promise<void>;
  addFault(fault: FaultRule): Promise<void>;
  clearFaults(): Promise<void>;
  setRateLimit(config: Partial<RateLimitConfig>): Promise<RateLimitConfig>;
  counters(): Promise<Record<string, number>>;
  /** A named counter, 0 when never counted (e.g. 'oauth.refresh'). */
  counter(name: string): Promise<number>;
  requests(): Promise<LoggedRequest[]>;
  resetInspection(): Promise<void>;
  setWebhook(options: Partial<WebhookDeliveryOptions>): Promise<WebhookDeliveryOptions>;
  webhookDeliveries(): Promise<DeliveryRecord[]>;
  /** Waits until no delivery is scheduled or in flight. */
  webhooksIdle(timeoutMs?: number): Promise<{ idle: boolean; deliveries: DeliveryRecord[] }>;
  clearWebhookDeliveries(): Promise<void>;
  install(locationId: string): Promise<void>;
  uninstall(locationId: string): Promise<void>;
  appointments(): Promise<Appointment[]>;
  contacts(): Promise<Contact[]>;
  /** Changes as a GHL user in GHL's UI would make them (webhooks fire, no slot validation). */
  uiCreateAppointment(input: UiAppointment): Promise<Appointment>;
  uiUpdateAppointment(id: string, patch: Partial<UiAppointment>): Promise<Appointment>;
  uiDeleteAppointment(id: string): Promise<Appointment>;

  // --- Blocked time and contact edits in GHL's UI (sandbox helper "calendars") ---
  blockedSlots(): Promise<BlockedSlot[]>;
  /** Blocks time on one calendar or for one user (not both); no webhook, as on GHL. */
  uiCreateBlockedSlot(input: UiBlockedSlot): Promise<BlockedSlot>;
  uiDeleteBlockedSlot(id: string): Promise<BlockedSlot>;
  /** A contact a GHL user adds (a walk-in patient): ContactCreate. */
  uiCreateContact(input: UiContactPatch & { locationId: string }): Promise<Contact>;
  /** Edits fields, tags (replaced) and DND: ContactUpdate, plus ContactTagUpdate / ContactDndUpdate. */
  uiUpdateContact(id: string, patch: UiContactPatch): Promise<Contact>;
  uiAddContactTags(id: string, tags: string[]): Promise<Contact>;
  uiRemoveContactTags(id: string, tags: string[]): Promise<Contact>;
  /**
   * An install started on GHL's marketplace (not from the app's install link): answers where
   * GHL would send the installer, `redirectUri?code=…` with no `state`. INSTALL webhooks fire.
   */
  marketplaceInstall(input: {
    redirectUri: string;
    userType?: 'Location' | 'Company';
    locationId?: string;
    locationIds?: string[];
    scope?: string;
  }): Promise<{ redirectUrl: string; code: string }>;
}

/** An appointment as a GHL user enters it in GHL's UI; `notes` is GHL's own field. */
export interface UiAppointment {
  calendarId: string;
  contactId: string;
  startTime: string;
  endTime?: string;
  title?: string;
  description?: string;
  notes?: string;
  appointmentStatus?: string;
  assignedUserId?: string;
  address?: string;
}

export interface UiBlockedSlot {
  calendarId?: string;
  assignedUserId?: string;
  /** Needed only for a user the sandbox does not know. */
  locationId?: string;
  title?: string;
  startTime: string;
  endTime: string;
}

type DndChannel = { status: 'active' | 'inactive' | 'permanent'; message?: string; code?: string };

export interface UiContactPatch {
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  address1?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string;
  country?: string;
  website?: string | null;
  timezone?: string | null;
  companyName?: string | null;
  dateOfBirth?: string | null;
  source?: string;
  gender?: string;
  assignedTo?: string;
  tags?: string[];
  dnd?: boolean;
  dndSettings?: Partial<Record<'Call' | 'Email' | 'SMS' | 'WhatsApp' | 'GMB' | 'FB', DndChannel>>;
}

export function createAdminClient(baseUrl: string): SandboxAdmin {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${baseUrl}/_sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sandbox admin ${method} ${path} -> ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
  return {
    keys: () => call('GET', '/keys'),
    seed: (input) => call('POST', '/seed', input),
    mintTokens: (target) => call('POST', '/tokens', target),
    expireTokens: (accessTokens) => call('POST', '/tokens/expire', { accessTokens }),
    advanceClock: (ms) => call('POST', '/clock/advance', { ms }),
    setFaults: async (faults) => void (await call('PUT', '/faults', { faults })),
    addFault: async (fault) => void (await call('POST', '/faults', fault)),
    clearFaults: async () => void (await call('DELETE', '/faults')),
    setRateLimit: (config) => call('PUT', '/rate-limit', config),
    counters: async () => (await call<{ counters: Record<string, number> }>('GET', '/counters')).counters,
    counter: async (name) =>
      (await call<{ counters: Record<string, number> }>('GET', '/counters')).counters[name] ?? 0,
    requests: async () => (await call<{ requests: LoggedRequest[] }>('GET', '/requests')).requests,
    resetInspection: async () => void (await call('DELETE', '/requests')),
    setWebhook: (options) => call('PUT', '/webhook', options),
    webhookDeliveries: async () =>
      (await call<{ deliveries: DeliveryRecord[] }>('GET', '/webhooks')).deliveries,
    webhooksIdle: (timeoutMs) => call('POST', '/webhooks/idle', { timeoutMs }),
    clearWebhookDeliveries: async () => void (await call('DELETE', '/webhooks')),
    install: async (locationId) => void (await call('POST', '/install', { locationId })),
    uninstall: async (locationId) => void (await call('POST', '/uninstall', { locationId })),
    appointments: async () =>
      (await call<{ appointments: Appointment[] }>('GET', '/appointments')).appointments,
    contacts: async () => (await call<{ contacts: Contact[] }>('GET', '/contacts')).contacts,
    uiCreateAppointment: (input) => call('POST', '/appointments', input),
    uiUpdateAppointment: (id, patch) => call('PUT', `/appointments/${encodeURIComponent(id)}`, patch),
    uiDeleteAppointment: (id) => call('DELETE', `/appointments/${encodeURIComponent(id)}`),

    // --- Blocked time and contact edits in GHL's UI (sandbox helper "calendars") ---
    blockedSlots: async () =>
      (await call<{ blockedSlots: BlockedSlot[] }>('GET', '/blocked-slots')).blockedSlots,
    uiCreateBlockedSlot: (input) => call('POST', '/blocked-slots', input),
    uiDeleteBlockedSlot: (id) => call('DELETE', `/blocked-slots/${encodeURIComponent(id)}`),
    uiCreateContact: (input) => call('POST', '/contacts', input),
    uiUpdateContact: (id, patch) => call('PUT', `/contacts/${encodeURIComponent(id)}`, patch),
    uiAddContactTags: (id, tags) => call('POST', `/contacts/${encodeURIComponent(id)}/tags`, { tags }),
    uiRemoveContactTags: (id, tags) => call('DELETE', `/contacts/${encodeURIComponent(id)}/tags`, { tags }),
    marketplaceInstall: (input) => call('POST', '/oauth/marketplace-install', input),
  };
}
