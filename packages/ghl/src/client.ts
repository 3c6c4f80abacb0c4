import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger, Metrics } from '@ghl-bridge/observability';
import type { z } from 'zod';
import { type RateBudget, waitAfter429 } from './budget/rate-budget.js';
import { GhlRateLimitedError } from './errors.js';
import { GHL_VERSION, type GhlHttp, type GhlRequest, type GhlResponse } from './http/ghl-http.js';
import { interpretResponse, missingScope } from './http/interpret-response.js';
import * as schemas from './schemas.js';
import type { TokenManager } from './tokens/token-manager.js';

export interface GhlClientDeps {
  http: GhlHttp;
  tokens: TokenManager;
  budget: RateBudget;
  log: Logger;
  metrics: Metrics['ghl'];
  /** GHL's burst window, the wait after a 429 that names none. */
  intervalMs: number;
}

export interface AppointmentInput {
  calendarId: string;
  locationId: string;
  contactId: string;
  startTime: string;
  endTime?: string | undefined;
  title?: string | undefined;
  appointmentStatus?: string | undefined;
  assignedUserId?: string | undefined;
  address?: string | undefined;
  ignoreFreeSlotValidation?: boolean | undefined;
  ignoreDateRange?: boolean | undefined;
  toNotify?: boolean | undefined;
}

export type AppointmentUpdate = Partial<Omit<AppointmentInput, 'locationId' | 'contactId'>>;

export interface ContactInput {
  locationId: string;
  name?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
  source?: string | undefined;
}

/**
 * Every GHL call ghl-bridge makes, per location: it takes a slot from the location's budget,
 * uses the shared access token, refreshes once on a 401, and turns each failure into one of
 * the error kinds in errors.ts. Only workers use it.
 */
export class GhlClient {
  constructor(private readonly deps: GhlClientDeps) {}

  listCalendars(locationId: string) {
    return this.call(
      locationId,
      get('calendars/', 'GET /calendars/', GHL_VERSION.calendars, { locationId }),
      schemas.calendarsResponse,
    ).then((r) => r.calendars);
  }

  getCalendar(locationId: string, calendarId: string) {
    return this.call(
      locationId,
      get(`calendars/${enc(calendarId)}`, 'GET /calendars/:id', GHL_VERSION.calendars),
      schemas.calendarResponse,
    ).then((r) => r.calendar);
  }

  /** Free slots by day (`YYYY-MM-DD` → slot start times with the zone's offset); range ≤ 31 days. */
  getFreeSlots(
    locationId: string,
    calendarId: string,
    range: { startMs: number; endMs: number; timezone: string; userId?: string },
  ) {
    const params = {
      startDate: range.startMs,
      endDate: range.endMs,
      timezone: range.timezone,
      userId: range.userId,
    };
    return this.call(
      locationId,
      get(
        `calendars/${enc(calendarId)}/free-slots`,
        'GET /calendars/:id/free-slots',
        GHL_VERSION.calendars,
        params,
      ),
      schemas.freeSlotsResponse,
    );
  }

  listEvents(locationId: string, query: CalendarRange) {
    return this.call(
      locationId,
      get('calendars/events', 'GET /calendars/events', GHL_VERSION.calendars, rangeParams(locationId, query)),
      schemas.eventsResponse,
    ).then((r) => r.events);
  }

  /** Time blocked in GHL for a calendar over a range. */
  listBlockedSlots(locationId: string, query: CalendarRange) {
    return this.call(
      locationId,
      get(
        'calendars/blocked-slots',
        'GET /calendars/blocked-slots',
        GHL_VERSION.calendars,
        rangeParams(locationId, query),
      ),
      schemas.blockedSlotsResponse,
    ).then((r) => r.events);
  }

  getAppointment(locationId: string, eventId: string) {
    return this.call(
      locationId,
      get(
        `calendars/events/appointments/${enc(eventId)}`,
        'GET /calendars/events/appointments/:id',
        GHL_VERSION.calendars,
      ),
      schemas.appointmentResponse,
    ).then((r) => r.event);
  }

  createAppointment(input: AppointmentInput) {
    const request = write(
      'POST',
      'calendars/events/appointments',
      'POST /calendars/events/appointments',
      GHL_VERSION.calendars,
      input,
    );
    return this.call(input.locationId, request, schemas.appointmentWriteResponse);
  }

  updateAppointment(locationId: string, eventId: string, patch: AppointmentUpdate) {
    const request = write(
      'PUT',
      `calendars/events/appointments/${enc(eventId)}`,
      'PUT /calendars/events/appointments/:id',
      GHL_VERSION.calendars,
      patch,
    );
    return this.call(locationId, request, schemas.appointmentWriteResponse);
  }

  async deleteEvent(locationId: string, eventId: string): Promise<void> {
    await this.call(
      locationId,
      write(
        'DELETE',
        `calendars/events/${enc(eventId)}`,
        'DELETE /calendars/events/:id',
        GHL_VERSION.calendars,
        {},
      ),
      schemas.deleteResponse,
    );
  }

  upsertContact(input: ContactInput) {
    return this.call(
      input.locationId,
      write('POST', 'contacts/upsert', 'POST /contacts/upsert', GHL_VERSION.contacts, input),
      schemas.upsertContactResponse,
    );
  }

  getContact(locationId: string, contactId: string) {
    return this.call(
      locationId,
      get(`contacts/${enc(contactId)}`, 'GET /contacts/:id', GHL_VERSION.contacts),
      schemas.contactResponse,
    ).then((r) => r.contact);
  }

  /**
   * Every location where the app is installed under the company, read with the company
   * (agency) token, page by page (GHL pages with `skip`/`limit`; `count` is the total).
   */
  async installedLocations(companyId: string, appId: string): Promise<string[]> {
    const ids: string[] = [];
    let fetched = 0;
    for (let page = 0; page < MAX_LOCATION_PAGES; page++) {
      const params = { companyId, appId, isInstalled: true, skip: fetched, limit: LOCATIONS_PAGE };
      const { locations, count } = await this.call(
        companyId,
        get('oauth/installedLocations', 'GET /oauth/installedLocations', GHL_VERSION.oauth, params),
        schemas.installedLocationsResponse,
      );
      fetched += locations.length;
      for (const location of locations) {
        const id = location._id ?? location.id;
        if (id && location.isInstalled !== false) ids.push(id);
      }
      // GHL may cap a page below our limit: stop on an empty page or once `count` is reached.
      if (locations.length === 0 || (count !== undefined && fetched >= count)) break;
    }
    return [...new Set(ids)];
  }

  private async call<T>(resourceId: string, request: GhlRequest, schema: z.ZodType<T>): Promise<T> {
    const grant = await this.deps.tokens.accessToken(resourceId);
    let response = await this.send(resourceId, { ...request, bearer: grant.accessToken });
    // Revoked or expired early: refresh once (only if nobody has yet) and try once more. A 401
    // for a missing scope is not retried: a refresh cannot add a scope, only installing again.
    if (response.status === 401 && !missingScope(response)) {
      const fresh = await this.deps.tokens.refresh(resourceId, grant.version);
      response = await this.send(resourceId, { ...request, bearer: fresh.accessToken });
    }
    return interpretResponse(request, response, schema);
  }

  /** One request against the location's budget: never sent before its slot. */
  private async send(resourceId: string, request: GhlRequest): Promise<GhlResponse> {
    const { budget, metrics, log } = this.deps;
    const decision = await budget.take(resourceId);
    if (decision.lateMs !== undefined) metrics.slotLateness.observe(decision.lateMs / 1000);
    if (!decision.granted) {
      metrics.rateLimited.inc({ location: resourceId, source: 'budget' });
      throw new GhlRateLimitedError(resourceId, decision.waitMs, 'budget');
    }
    metrics.budgetRemaining.set({ location: resourceId }, decision.remaining);
    if (decision.waitMs > 0) await sleep(decision.waitMs);
    const response = await this.deps.http(request);
    metrics.calls.inc({
      endpoint: request.endpoint,
      status: statusLabel(response.status),
      location: resourceId,
    });
    await budget.observe(resourceId, response.headers, decision.slot);
    log.debug(
      {
        endpoint: request.endpoint,
        status: response.status,
        location: resourceId,
        remaining: response.headers['x-ratelimit-remaining'],
        dailyRemaining: response.headers['x-ratelimit-daily-remaining'],
      },
      'GHL call',
    );
    if (response.status === 429) {
      const waitMs = waitAfter429(response.headers, this.deps.intervalMs);
      await budget.drain(resourceId, waitMs);
      metrics.rateLimited.inc({ location: resourceId, source: 'ghl_429' });
      throw new GhlRateLimitedError(resourceId, waitMs, 'ghl_429');
    }
    return response;
  }
}

type Params = GhlRequest['searchParams'];

/** One calendar's events (or blocks) between two instants, in epoch ms. */
export interface CalendarRange {
  calendarId: string;
  startMs: number;
  endMs: number;
}

/** GHL takes a range's epoch milliseconds as strings, for events and blocked slots alike. */
function rangeParams(locationId: string, { calendarId, startMs, endMs }: CalendarRange): Params {
  return { locationId, calendarId, startTime: String(startMs), endTime: String(endMs) };
}

function get(path: string, endpoint: string, version: string, searchParams?: Params): GhlRequest {
  return { method: 'GET', path, endpoint, version, searchParams };
}

function write(
  method: 'POST' | 'PUT' | 'DELETE',
  path: string,
  endpoint: string,
  version: string,
  json: unknown,
): GhlRequest {
  // Undefined fields are left out: GHL answers 422 to properties it does not know.
  return { method, path, endpoint, version, json: JSON.parse(JSON.stringify(json)) };
}

const enc = encodeURIComponent;

/** Locations asked for per installedLocations page, and a bound on the pages (100,000 locations). */
const LOCATIONS_PAGE = 100;
const MAX_LOCATION_PAGES = 1000;

/** GHL's 401 for a token that lacks the endpoint's scope, as opposed to an expired or revoked one. */

/** A metric label from a fixed set: HTTP's status codes, anything else `other`. */
const statusLabel = (status: number) =>
  Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : 'other';
