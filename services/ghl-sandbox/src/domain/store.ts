import type { Appointment, BlockedSlot, Calendar, Company, Contact, Location, User } from './types.js';

export type ChangeEvent =
  | { type: 'AppointmentCreate' | 'AppointmentUpdate' | 'AppointmentDelete'; appointment: Appointment }
  | {
      // Tag and DND changes send their own event besides ContactUpdate (docs/webhook events).
      type: 'ContactCreate' | 'ContactUpdate' | 'ContactDelete' | 'ContactTagUpdate' | 'ContactDndUpdate';
      contact: Contact;
    }
  | { type: 'INSTALL'; companyId: string; locationId?: string; userId?: string }
  | { type: 'UNINSTALL'; companyId: string; locationId?: string };

/** In-memory records. Every mutation goes through `emit` so webhooks see API and admin changes alike. */
export class Store {
  readonly companies = new Map<string, Company>();
  readonly locations = new Map<string, Location>();
  readonly users = new Map<string, User>();
  readonly calendars = new Map<string, Calendar>();
  readonly contacts = new Map<string, Contact>();
  readonly appointments = new Map<string, Appointment>();
  /** Time blocked in GHL. GHL documents no webhook for blocks, so changing them emits nothing. */
  readonly blockedSlots = new Map<string, BlockedSlot>();
  private readonly listeners: ((e: ChangeEvent) => void)[] = [];

  onChange(listener: (e: ChangeEvent) => void): void {
    this.listeners.push(listener);
  }

  emit(event: ChangeEvent): void {
    for (const l of this.listeners) l(event);
  }

  /** Appointments of one calendar overlapping [startMs, endMs) that still hold their slot. */
  blocking(calendarId: string, startMs: number, endMs: number, exceptId?: string): Appointment[] {
    const out: Appointment[] = [];
    for (const a of this.appointments.values()) {
      if (a.calendarId !== calendarId || a.id === exceptId) continue;
      if (a.appointmentStatus === 'cancelled' || a.appointmentStatus === 'invalid') continue;
      if (a.startMs < endMs && a.endMs > startMs) out.push(a);
    }
    return out;
  }

  /** Blocks overlapping [startMs, endMs) on the calendar `on.calendarId` or of a user in `on.userIds`. */
  blocksOverlapping(
    on: { calendarId?: string; userIds?: readonly string[] },
    startMs: number,
    endMs: number,
  ): BlockedSlot[] {
    const out: BlockedSlot[] = [];
    for (const b of this.blockedSlots.values()) {
      if (b.startMs >= endMs || b.endMs <= startMs) continue;
      const onCalendar = b.calendarId !== undefined && b.calendarId === on.calendarId;
      const ofUser = b.assignedUserId !== undefined && (on.userIds ?? []).includes(b.assignedUserId);
      if (onCalendar || ofUser) out.push(b);
    }
    return out;
  }
}
