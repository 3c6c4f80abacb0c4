import { ghlError } from '../http/errors.js';
import { defaultAssignee } from './assignment.js';
import type { Clock } from './clock.js';
import { ghlId } from './ids.js';
import { isFreeSlot } from './slots.js';
import type { Store } from './store.js';
import type { Appointment } from './types.js';

const SLOT_TAKEN = 'The slot you have selected is no longer available.';

export interface AppointmentInput {
  calendarId?: string;
  locationId?: string;
  contactId?: string;
  startTime?: string;
  endTime?: string;
  title?: string;
  appointmentStatus?: string;
  assignedUserId?: string;
  description?: string;
  /** GHL's own notes field: only GHL's UI (the admin routes) sets it; the API takes `description`. */
  notes?: string;
  address?: string;
  meetingLocationType?: string;
  rrule?: string;
  ignoreFreeSlotValidation?: boolean;
  ignoreDateRange?: boolean;
}

export interface Actor {
  /** `createdBy.source` / webhook `appointment.source`: 'third_party' for API calls. */
  source: string;
  userId?: string;
}

export function parseTime(field: string, value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw ghlError(422, [`${field} must be a valid ISO 8601 date string`]);
  return ms;
}

/**
 * Create/update rules shared by the API and the admin "GHL user" actions. Slot validation
 * follows ghl-api.md §4.4: the start must be one of the calendar's free slots (compared as
 * instants) unless `ignoreFreeSlotValidation`; `ignoreDateRange` lifts the "not in the past" rule.
 */
export class AppointmentOps {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  create(
    input: AppointmentInput & {
      calendarId: string;
      locationId: string;
      contactId: string;
      startTime: string;
    },
    actor: Actor,
  ): Appointment {
    const cal = this.store.calendars.get(input.calendarId);
    if (!cal || cal.locationId !== input.locationId) throw ghlError(400, 'Calendar not found');
    const contact = this.store.contacts.get(input.contactId);
    if (!contact || contact.locationId !== input.locationId) throw ghlError(400, 'Contact not found');
    const startMs = parseTime('startTime', input.startTime);
    const endMs = input.endTime ? parseTime('endTime', input.endTime) : startMs + cal.slotDuration * 60_000;
    if (endMs <= startMs) throw ghlError(400, 'endTime must be after startTime');
    const now = this.clock.now();
    const assignedUserId = input.assignedUserId ?? defaultAssignee(cal) ?? '';
    if (
      !input.ignoreFreeSlotValidation &&
      !isFreeSlot(
        this.store,
        cal,
        { startMs, endMs, userId: assignedUserId || undefined },
        input.ignoreDateRange ? -Infinity : now,
      )
    ) {
      throw ghlError(400, SLOT_TAKEN);
    }
    const appt: Appointment = {
      id: ghlId(),
      locationId: input.locationId,
      calendarId: cal.id,
      contactId: contact.id,
      groupId: cal.groupId ?? '',
      title: input.title ?? `Appointment with ${contact.name ?? contact.email ?? contact.id}`,
      appointmentStatus: input.appointmentStatus ?? 'confirmed',
      assignedUserId,
      users: assignedUserId ? [assignedUserId] : [],
      notes: input.notes ?? '',
      description: input.description ?? '',
      address: input.address ?? '',
      meetingLocationType: input.meetingLocationType ?? (input.address ? 'custom' : 'default'),
      startMs,
      endMs,
      dateAdded: now,
      dateUpdated: now,
      isRecurring: false,
      rrule: input.ignoreFreeSlotValidation ? input.rrule : undefined,
      createdBy: { ...(actor.userId ? { userId: actor.userId } : {}), source: actor.source },
      source: actor.source,
    };
    if (appt.rrule) appt.isRecurring = true;
    this.store.appointments.set(appt.id, appt);
    this.store.emit({ type: 'AppointmentCreate', appointment: appt });
    return appt;
  }

  update(id: string, input: AppointmentInput, locationId?: string): Appointment {
    const appt = this.store.appointments.get(id);
    if (!appt || (locationId && appt.locationId !== locationId)) throw ghlError(400, 'Appointment not found');
    const calendarId = input.calendarId ?? appt.calendarId;
    const cal = this.store.calendars.get(calendarId);
    if (!cal || cal.locationId !== appt.locationId) throw ghlError(400, 'Calendar not found');
    if (
      input.contactId !== undefined &&
      this.store.contacts.get(input.contactId)?.locationId !== appt.locationId
    ) {
      throw ghlError(400, 'Contact not found');
    }
    const startMs = input.startTime ? parseTime('startTime', input.startTime) : appt.startMs;
    const duration = appt.endMs - appt.startMs;
    const endMs = input.endTime
      ? parseTime('endTime', input.endTime)
      : input.startTime
        ? startMs + duration
        : appt.endMs;
    if (endMs <= startMs) throw ghlError(400, 'endTime must be after startTime');
    const moved = startMs !== appt.startMs || endMs !== appt.endMs || calendarId !== appt.calendarId;
    const now = this.clock.now();
    const userId = input.assignedUserId ?? appt.assignedUserId;
    if (
      moved &&
      !input.ignoreFreeSlotValidation &&
      !isFreeSlot(
        this.store,
        cal,
        { startMs, endMs, userId: userId || undefined, exceptId: appt.id },
        input.ignoreDateRange ? -Infinity : now,
      )
    ) {
      throw ghlError(400, SLOT_TAKEN);
    }
    Object.assign(appt, {
      calendarId,
      startMs,
      endMs,
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.appointmentStatus !== undefined ? { appointmentStatus: input.appointmentStatus } : {}),
      ...(input.assignedUserId !== undefined
        ? { assignedUserId: input.assignedUserId, users: [input.assignedUserId] }
        : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
      ...(input.contactId !== undefined ? { contactId: input.contactId } : {}),
      ...(input.address !== undefined ? { address: input.address } : {}),
      ...(input.meetingLocationType !== undefined ? { meetingLocationType: input.meetingLocationType } : {}),
      dateUpdated: Math.max(now, appt.dateUpdated + 1),
    });
    this.store.emit({ type: 'AppointmentUpdate', appointment: appt });
    return appt;
  }

  delete(id: string, locationId?: string): Appointment {
    const appt = this.store.appointments.get(id);
    if (!appt || (locationId && appt.locationId !== locationId)) throw ghlError(400, 'Event not found');
    this.store.appointments.delete(id);
    this.store.emit({ type: 'AppointmentDelete', appointment: appt });
    return appt;
  }
}
