import type { GhlAppointment } from '@ghl-bridge/citas';
import type { BlockMirror, CalendarMirror } from '@ghl-bridge/db';
import type { GhlBlockedSlot, GhlCalendar, GhlCalendarEvent } from '@ghl-bridge/ghl';

// What GHL's reads (calendars, events, blocked slots) mean for our mirror of them.

const MINUTES: Record<string, number> = { mins: 1, minutes: 1, hours: 60, hour: 60 };

/** A calendar as we keep it; its team members in the order GHL assigns them. */
export function calendarMirror(locationId: string, calendar: GhlCalendar): CalendarMirror {
  const members = [...(calendar.teamMembers ?? [])].sort(
    (a, b) =>
      Number(b.isPrimary ?? false) - Number(a.isPrimary ?? false) || (b.priority ?? 0) - (a.priority ?? 0),
  );
  const unit = MINUTES[calendar.slotDurationUnit ?? 'mins'];
  return {
    id: calendar.id,
    locationId,
    name: calendar.name.slice(0, 500),
    description: calendar.description?.slice(0, 5000) ?? null,
    timeZone: calendar.timezone ?? null,
    isActive: calendar.isActive ?? true,
    teamMemberIds: members.map((m) => m.userId),
    slotMinutes: calendar.slotDuration && unit ? Math.round(calendar.slotDuration * unit) : null,
  };
}

/** An event from GHL's reads as the cita write module takes it; reads carry the description. */
export function appointmentFromRead(locationId: string, event: GhlCalendarEvent): GhlAppointment | undefined {
  const startAt = new Date(event.startTime);
  const endAt = new Date(event.endTime);
  if (Number.isNaN(startAt.getTime()) || Number.isNaN(endAt.getTime())) return undefined;
  const at = event.dateUpdated ? new Date(event.dateUpdated) : undefined;
  return {
    id: event.id,
    locationId,
    calendarId: event.calendarId,
    startAt,
    endAt,
    contactId: event.contactId,
    title: event.title,
    status: event.appointmentStatus,
    assignedUserId: event.assignedUserId,
    notes: event.notes,
    description: event.description,
    at: at && !Number.isNaN(at.getTime()) ? at : undefined,
  };
}

export function blockMirror(block: GhlBlockedSlot): BlockMirror | undefined {
  const startAt = new Date(block.startTime);
  const endAt = new Date(block.endTime);
  if (Number.isNaN(startAt.getTime()) || Number.isNaN(endAt.getTime())) return undefined;
  return {
    id: block.id,
    calendarId: block.calendarId ?? null,
    assignedUserId: block.assignedUserId ?? null,
    startAt,
    endAt,
    title: block.title?.slice(0, 500) ?? null,
  };
}
