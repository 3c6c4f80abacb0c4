import { isoWithOffset } from './time-zone.js';
import type { Appointment, BlockedSlot, Calendar, Contact } from './types.js';

/**
 * JSON shapes GHL returns, built from the records. Kept in one place so the API and the
 * webhooks agree on field names and time formats.
 */

/** `CalendarEventDTO` (list events, get appointment): has dateAdded/dateUpdated. */
export function eventDto(a: Appointment, tz: string): Record<string, unknown> {
  return {
    id: a.id,
    address: a.address,
    title: a.title,
    calendarId: a.calendarId,
    locationId: a.locationId,
    contactId: a.contactId,
    groupId: a.groupId,
    appointmentStatus: a.appointmentStatus,
    assignedUserId: a.assignedUserId,
    users: a.users,
    notes: a.notes,
    description: a.description,
    isRecurring: a.isRecurring,
    ...(a.rrule ? { rrule: a.rrule } : {}),
    startTime: isoWithOffset(a.startMs, tz),
    endTime: isoWithOffset(a.endMs, tz),
    dateAdded: isoWithOffset(a.dateAdded, tz),
    dateUpdated: isoWithOffset(a.dateUpdated, tz),
    assignedResources: [],
    createdBy: a.createdBy,
  };
}

/** `AppointmentSchemaResponse` (create/update): no dateAdded/dateUpdated, as on GHL (issue #246). */
export function appointmentWriteDto(a: Appointment, tz: string): Record<string, unknown> {
  return {
    id: a.id,
    calendarId: a.calendarId,
    locationId: a.locationId,
    contactId: a.contactId,
    startTime: isoWithOffset(a.startMs, tz),
    endTime: isoWithOffset(a.endMs, tz),
    title: a.title,
    meetingLocationType: a.meetingLocationType,
    appointmentStatus: a.appointmentStatus,
    assignedUserId: a.assignedUserId,
    address: a.address,
    isRecurring: a.isRecurring,
    ...(a.rrule ? { rrule: a.rrule } : {}),
  };
}

/** `appointment` object of Appointment* webhooks. */
export function appointmentWebhookDto(a: Appointment, tz: string): Record<string, unknown> {
  return {
    id: a.id,
    address: a.address,
    title: a.title,
    calendarId: a.calendarId,
    contactId: a.contactId,
    groupId: a.groupId,
    appointmentStatus: a.appointmentStatus,
    assignedUserId: a.assignedUserId,
    users: a.users,
    notes: a.notes,
    source: a.source,
    startTime: isoWithOffset(a.startMs, tz),
    endTime: isoWithOffset(a.endMs, tz),
    dateAdded: isoWithOffset(a.dateAdded, tz),
    dateUpdated: isoWithOffset(a.dateUpdated, tz),
  };
}

function contactFields(c: Contact): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = [
    'firstName',
    'lastName',
    'name',
    'email',
    'phone',
    'timezone',
    'dateOfBirth',
    'companyName',
    'address1',
    'city',
    'state',
    'postalCode',
    'country',
    'website',
    'source',
    'gender',
    'assignedTo',
    'dndSettings',
  ] as const;
  for (const k of keys) if (c[k] !== undefined) out[k] = c[k];
  return out;
}

/** Contact as `GET /contacts/{id}` and upsert return it. */
export function contactDto(c: Contact): Record<string, unknown> {
  const f = contactFields(c);
  return {
    id: c.id,
    locationId: c.locationId,
    ...f,
    ...(c.email ? { emailLowerCase: c.email.toLowerCase() } : {}),
    ...(c.firstName ? { firstNameLowerCase: c.firstName.toLowerCase() } : {}),
    ...(c.lastName ? { lastNameLowerCase: c.lastName.toLowerCase() } : {}),
    ...(c.name ? { fullNameLowerCase: c.name.toLowerCase() } : {}),
    dnd: c.dnd,
    type: c.type,
    tags: c.tags,
    customFields: c.customFields,
    dateAdded: new Date(c.dateAdded).toISOString(),
    dateUpdated: new Date(c.dateUpdated).toISOString(),
  };
}

/**
 * Flat contact fields of Contact* webhooks, as GHL's examples have them: no emailLowerCase
 * etc., no timezone or gender, and `dndSettings` only in ContactDndUpdate.
 */
export function contactWebhookDto(c: Contact, withDndSettings: boolean): Record<string, unknown> {
  const { timezone: _tz, gender: _gender, dndSettings, ...fields } = contactFields(c);
  return {
    id: c.id,
    ...fields,
    ...(withDndSettings && dndSettings !== undefined ? { dndSettings } : {}),
    dnd: c.dnd,
    tags: c.tags,
    customFields: c.customFields,
    attachments: [],
    dateAdded: new Date(c.dateAdded).toISOString(),
  };
}

/** `GetCalendarSuccessfulResponseDTO.calendar` / list item. */
export function calendarDto(c: Calendar): Record<string, unknown> {
  return {
    id: c.id,
    locationId: c.locationId,
    ...(c.groupId ? { groupId: c.groupId } : {}),
    name: c.name,
    description: c.description,
    isActive: c.isActive,
    calendarType: c.calendarType,
    eventType: 'RoundRobin_OptimizeForAvailability',
    widgetType: 'default',
    slotDuration: c.slotDuration,
    slotDurationUnit: 'mins',
    slotInterval: c.slotInterval,
    slotIntervalUnit: 'mins',
    slotBuffer: 0,
    preBuffer: 0,
    appoinmentPerSlot: c.appoinmentPerSlot,
    appoinmentPerDay: 0,
    openHours: c.openHours,
    teamMembers: c.teamMembers.map((m) => ({
      userId: m.userId,
      priority: m.priority,
      isPrimary: m.isPrimary,
      meetingLocationType: 'custom',
      meetingLocation: '',
    })),
    notifications: [],
    locationConfigurations: [],
    enableRecurring: false,
    autoConfirm: true,
    allowReschedule: true,
    allowCancellation: true,
    availabilities: [],
  };
}

/**
 * A block as `GET /calendars/blocked-slots` lists it: a `CalendarEventDTO` (the spec reuses the
 * events response). Fields the DTO requires but a block lacks are empty strings; GHL's real
 * values for them (and its `appointmentStatus` for blocks) are UNCONFIRMED.
 */
export function blockedSlotEventDto(b: BlockedSlot, tz: string, groupId: string): Record<string, unknown> {
  return {
    id: b.id,
    title: b.title,
    calendarId: b.calendarId ?? '',
    locationId: b.locationId,
    contactId: '',
    groupId,
    appointmentStatus: 'confirmed',
    assignedUserId: b.assignedUserId ?? '',
    users: b.assignedUserId ? [b.assignedUserId] : [],
    notes: '',
    description: '',
    isRecurring: false,
    startTime: isoWithOffset(b.startMs, tz),
    endTime: isoWithOffset(b.endMs, tz),
    dateAdded: isoWithOffset(b.dateAdded, tz),
    dateUpdated: isoWithOffset(b.dateUpdated, tz),
    assignedResources: [],
  };
}
