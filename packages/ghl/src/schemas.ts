import { z } from 'zod';

// GHL response shapes, read from GHL's published contracts (shared/ghl-examples/api). Loose
// objects: GHL adds fields freely, and an extra field must never fail a sync.

export const tokenResponse = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
  // Who installed: a sub-account user (Location) or an agency admin (Company, even for one location).
  userType: z.enum(['Location', 'Company']).optional(),
  locationId: z.string().optional(),
  companyId: z.string().optional(),
  // Company tokens: the locations the agency approved (each needs its own location token).
  approvedLocations: z.array(z.string()).optional(),
  userId: z.string().optional(),
});
export type TokenResponse = z.infer<typeof tokenResponse>;

export const calendar = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().nullish(),
  locationId: z.string().optional(),
  isActive: z.boolean().optional(),
  // GHL calendars carry no timezone field of their own in every version; absent means the location's.
  timezone: z.string().optional(),
  // Who GHL assigns bookings to (get-calendar.json): the primary member first.
  teamMembers: z
    .array(
      z.looseObject({
        userId: z.string(),
        priority: z.number().nullish(),
        isPrimary: z.boolean().nullish(),
      }),
    )
    .nullish(),
  slotDuration: z.number().nullish(),
  slotDurationUnit: z.string().nullish(),
});
export type GhlCalendar = z.infer<typeof calendar>;

export const calendarsResponse = z.looseObject({ calendars: z.array(calendar) });
export const calendarResponse = z.looseObject({ calendar });

export const freeSlotsResponse = z.record(z.string(), z.unknown()).transform((body) => {
  // Dated keys (`YYYY-MM-DD`) hold `{ slots: [...] }`; other keys (traceId) are not days.
  const days: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(body)) {
    const slots = (value as { slots?: unknown } | null)?.slots;
    if (/^\d{4}-\d{2}-\d{2}$/.test(key) && Array.isArray(slots))
      days[key] = slots.filter((s) => typeof s === 'string');
  }
  return days;
});

export const calendarEvent = z.looseObject({
  id: z.string(),
  calendarId: z.string(),
  locationId: z.string().optional(),
  contactId: z.string().nullish(),
  title: z.string().nullish(),
  appointmentStatus: z.string().nullish(),
  assignedUserId: z.string().nullish(),
  notes: z.string().nullish(),
  // The clinic's notes: create/update take them as `description`, and GET gives them back here.
  description: z.string().nullish(),
  startTime: z.string(),
  endTime: z.string(),
  dateAdded: z.string().nullish(),
  dateUpdated: z.string().nullish(),
  deleted: z.boolean().optional(),
});
export type GhlCalendarEvent = z.infer<typeof calendarEvent>;

export const eventsResponse = z.looseObject({ events: z.array(calendarEvent) });
/** `GET /calendars/blocked-slots`: time blocked in GHL, as calendar events. */
export const blockedSlotsResponse = z.looseObject({
  events: z.array(calendarEvent.extend({ calendarId: z.string().nullish() })),
});
export type GhlBlockedSlot = z.infer<typeof blockedSlotsResponse>['events'][number];
export const appointmentResponse = z.looseObject({ event: calendarEvent });

/** Create/update answers: GHL leaves out dateAdded/dateUpdated here (its issue #246). */
export const appointmentWriteResponse = z.looseObject({
  id: z.string(),
  calendarId: z.string(),
  locationId: z.string().optional(),
  contactId: z.string().nullish(),
  startTime: z.string(),
  endTime: z.string(),
  appointmentStatus: z.string().nullish(),
});
export type GhlAppointmentWrite = z.infer<typeof appointmentWriteResponse>;

export const deleteResponse = z.looseObject({ succeeded: z.boolean().optional() }).or(z.undefined());

export const contact = z.looseObject({
  id: z.string(),
  locationId: z.string().optional(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
});
export const upsertContactResponse = z.looseObject({ new: z.boolean().optional(), contact });
export const contactResponse = z.looseObject({ contact });

export const installedLocationsResponse = z.looseObject({
  locations: z.array(
    z.looseObject({
      _id: z.string().optional(),
      id: z.string().optional(),
      name: z.string().optional(),
      isInstalled: z.boolean().optional(),
    }),
  ),
  count: z.number().optional(),
});
