/** Records the sandbox keeps in memory. Field names follow GHL's API and webhook payloads. */

export interface Company {
  id: string;
  name: string;
  isWhitelabelCompany: boolean;
}

export interface Location {
  id: string;
  companyId: string;
  name: string;
  timezone: string;
  /** GHL's "Allow Duplicate Contact" setting; upsert then creates instead of matching. */
  allowDuplicateContact: boolean;
  /** Which field wins when email and phone match different contacts. */
  duplicatePriority: 'email' | 'phone';
}

export interface User {
  id: string;
  locationId: string;
  name: string;
  email: string;
}

export interface OpenHours {
  daysOfTheWeek: number[];
  hours: { openHour: number; openMinute: number; closeHour: number; closeMinute: number }[];
}

export interface Calendar {
  id: string;
  locationId: string;
  name: string;
  description: string;
  groupId?: string;
  /** Not a GHL calendar field: the zone slots are computed in (GHL uses the location's). */
  timezone: string;
  calendarType: string;
  slotDuration: number;
  slotInterval: number;
  appoinmentPerSlot: number;
  openHours: OpenHours[];
  teamMembers: TeamMember[];
  isActive: boolean;
}

export interface Appointment {
  id: string;
  locationId: string;
  calendarId: string;
  contactId: string;
  groupId: string;
  title: string;
  appointmentStatus: string;
  assignedUserId: string;
  users: string[];
  notes: string;
  description: string;
  address: string;
  meetingLocationType: string;
  startMs: number;
  endMs: number;
  dateAdded: number;
  dateUpdated: number;
  isRecurring: boolean;
  rrule?: string;
  createdBy: { userId?: string; source: string };
  /** `appointment.source` in webhooks. */
  source: string;
}

export interface CustomFieldValue {
  id: string;
  value: unknown;
}

export interface Contact {
  id: string;
  locationId: string;
  firstName?: string;
  lastName?: string;
  name?: string;
  email?: string;
  phone?: string;
  timezone?: string;
  dateOfBirth?: string;
  companyName?: string;
  address1?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
  website?: string;
  source?: string;
  gender?: string;
  assignedTo?: string;
  dnd: boolean;
  dndSettings?: Record<string, unknown>;
  tags: string[];
  customFields: CustomFieldValue[];
  type: string;
  dateAdded: number;
  dateUpdated: number;
}

export type UserType = 'Location' | 'Company';

export interface TokenGrant {
  userType: UserType;
  companyId: string;
  /** Set for Location tokens. */
  locationId?: string;
  userId: string;
  scope: string;
}

export interface AccessToken extends TokenGrant {
  token: string;
  expiresAt: number;
}

// --- Team members and blocked time (sandbox helper "calendars"; kept apart for merges) ---

/** `CalendarDTO.teamMembers[]`: GHL assigns an appointment to one of them when none is given. */
export interface TeamMember {
  userId: string;
  /** GHL's enum is 0, 0.5 or 1 (default 0.5). */
  priority: number;
  isPrimary: boolean;
}

/**
 * Time blocked in GHL (`POST /calendars/events/block-slots`, or a user blocking time in the
 * UI): for one calendar or for one user, never both (BlockSlotCreateRequestDTO).
 */
export interface BlockedSlot {
  id: string;
  locationId: string;
  calendarId?: string;
  assignedUserId?: string;
  title: string;
  startMs: number;
  endMs: number;
  dateAdded: number;
  dateUpdated: number;
}
