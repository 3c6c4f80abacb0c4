import { type GhlContactState, isStorableInstant } from '@ghl-bridge/db';
import { z } from 'zod';
import type { GhlAppointment } from './ghl-appointment-rows.js';
import type { GhlDeletion } from './ghl-appointments.js';

// GHL webhook bodies, parsed and typed once, here: by the worker before any effect sees them,
// and by ingress for workflow bodies, which a person writes and can be told are wrong. Shapes follow
// GHL's published examples (shared/ghl-examples/webhooks): appointment events nest the record
// under `appointment`; contact events are flat, with the contact's own `id`. Limits are wide:
// what GHL accepted is a fact, so only what no real record looks like is refused.

const id = z.string().min(1).max(256);
/** An id GHL may leave empty (`""`, as for an appointment no one is assigned to): absent. */
const optionalId = z.string().max(256).nullish();
const text = (max: number) => z.string().max(max).nullish();
// GHL's word, but PostgreSQL must store it: year 0000 would fail every retry of the batch.
const instant = z.iso
  .datetime({ offset: true })
  .refine((v) => isStorableInstant(Date.parse(v)), 'must be a date from year 1 to 9999');

const appointmentBody = z.looseObject({
  locationId: id,
  timestamp: z.string().max(64).optional(),
  appointment: z
    .looseObject({
      id,
      calendarId: id,
      contactId: optionalId,
      title: text(2000),
      appointmentStatus: text(64),
      assignedUserId: optionalId,
      notes: text(100_000),
      startTime: instant,
      endTime: instant,
      dateUpdated: text(64),
    })
    // Zero-length is GHL's own (its published example); ending before it starts is no appointment.
    .refine((a) => Date.parse(a.endTime) >= Date.parse(a.startTime), {
      message: 'endTime is before startTime',
      path: ['endTime'],
    }),
});

const contactBody = z.looseObject({
  id,
  locationId: id,
  timestamp: z.string().max(64).optional(),
  dateAdded: z.string().max(64).optional(),
  dateUpdated: z.string().max(64).optional(),
  name: text(500),
  firstName: text(250),
  lastName: text(250),
  email: text(320),
  phone: text(64),
});

/** A contact as its webhook describes it (kept whole in `data`). */
export type ContactFromGhl = Omit<GhlContactState, 'deleted'>;

export type GhlEvent =
  | { kind: 'appointment.upsert'; appointment: GhlAppointment }
  | { kind: 'appointment.delete'; deletion: GhlDeletion }
  | { kind: 'contact.upsert'; contact: ContactFromGhl }
  | { kind: 'contact.delete'; contact: ContactFromGhl }
  | { kind: 'install'; raw: Record<string, unknown> }
  | { kind: 'uninstall'; raw: Record<string, unknown> }
  | { kind: 'ignored' };

export type GhlEventKind = GhlEvent['kind'];

/** An event as effects get it: with the request that delivered it, for the jobs it promises. */
export type DeliveredEvent = GhlEvent & { requestId?: string | undefined };

/** GHL's event types and what each one is to us. Anything else is recorded as ignored. */
const KINDS: Readonly<Record<string, GhlEventKind>> = {
  AppointmentCreate: 'appointment.upsert',
  AppointmentUpdate: 'appointment.upsert',
  AppointmentDelete: 'appointment.delete',
  ContactCreate: 'contact.upsert',
  ContactUpdate: 'contact.upsert',
  // Both carry the full contact, like ContactUpdate.
  ContactTagUpdate: 'contact.upsert',
  ContactDndUpdate: 'contact.upsert',
  ContactDelete: 'contact.delete',
  INSTALL: 'install',
  UNINSTALL: 'uninstall',
};

export function kindOfType(type: unknown): GhlEventKind {
  return (typeof type === 'string' && Object.hasOwn(KINDS, type) && KINDS[type]) || 'ignored';
}

/** A body of a known type without GHL's shape: the same bytes will never parse. */
export class GhlEventShapeError extends Error {
  override readonly name = 'GhlEventShapeError';
}

/** When GHL says the event happened: `dateUpdated` where the record has one, else the delivery's `timestamp`. */
export function eventTime(...candidates: unknown[]): Date | undefined {
  for (const candidate of candidates) {
    if (typeof candidate !== 'string') continue;
    const at = Date.parse(candidate);
    if (!Number.isNaN(at)) return new Date(at);
  }
  return undefined;
}

/**
 * The typed event a webhook body stands for; a body of a known type that does not have GHL's
 * shape throws GhlEventShapeError.
 */
export function parseGhlEvent(raw: Record<string, unknown>): GhlEvent {
  const kind = kindOfType(raw.type);
  switch (kind) {
    case 'appointment.upsert':
    case 'appointment.delete': {
      const body = parsed(appointmentBody, raw, 'appointment');
      const a = body.appointment;
      const base = {
        id: a.id,
        locationId: body.locationId,
        calendarId: a.calendarId,
        startAt: new Date(a.startTime),
        endAt: new Date(a.endTime),
        at: eventTime(a.dateUpdated, body.timestamp),
      };
      if (kind === 'appointment.delete') return { kind, deletion: base };
      return {
        kind,
        appointment: {
          ...base,
          contactId: a.contactId,
          title: a.title,
          status: a.appointmentStatus,
          assignedUserId: a.assignedUserId,
          notes: a.notes,
          // GHL's appointment webhooks carry no `description` (the clinic's notes): left
          // undefined, so ours are kept; reconciliation reads it from GHL.
        },
      };
    }
    case 'contact.upsert':
    case 'contact.delete': {
      const body = parsed(contactBody, raw, 'contact');
      const { type: _type, webhookId: _webhookId, timestamp: _timestamp, ...data } = body;
      const name = body.name || [body.firstName, body.lastName].filter(Boolean).join(' ') || null;
      return {
        kind,
        contact: {
          id: body.id,
          locationId: body.locationId,
          name,
          email: body.email || null,
          phone: body.phone || null,
          data,
          at: eventTime(body.timestamp, body.dateUpdated, body.dateAdded) ?? new Date(),
        },
      };
    }
    case 'install':
    case 'uninstall':
      return { kind, raw };
    default:
      return { kind: 'ignored' };
  }
}

function parsed<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const result = schema.safeParse(raw);
  if (!result.success)
    throw new GhlEventShapeError(
      `${what} webhook does not match GHL's shape: ${z.prettifyError(result.error)}`,
    );
  return result.data;
}

/**
 * PostgreSQL cannot store U+0000 in text or jsonb. A body GHL signed that holds one is kept
 * with it removed, rather than accepted and then lost.
 */
export function withoutNulBytes<T>(value: T): T {
  if (typeof value === 'string')
    return (value.includes('\u0000') ? value.replaceAll('\u0000', '') : value) as T;
  if (Array.isArray(value)) return value.map(withoutNulBytes) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) out[withoutNulBytes(key)] = withoutNulBytes(child);
    return out as T;
  }
  return value;
}
