import { z } from 'zod';
import { ghlId } from './domain/ids.js';
import { isValidTimeZone } from './domain/time-zone.js';
import type { Calendar, Contact, Location, TeamMember } from './domain/types.js';
import type { SandboxState } from './state.js';

const tz = z.string().refine(isValidTimeZone, 'must be a valid IANA time zone');

const openHours = z.array(
  z.object({
    daysOfTheWeek: z.array(z.number().int().min(0).max(6)),
    hours: z.array(
      z.object({
        openHour: z.number(),
        openMinute: z.number(),
        closeHour: z.number(),
        closeMinute: z.number(),
      }),
    ),
  }),
);

// --- Team members (sandbox helper "calendars") ---
const teamMember = z.object({
  userId: z.string().min(1),
  priority: z.union([z.literal(0), z.literal(0.5), z.literal(1)]).optional(),
  isPrimary: z.boolean().optional(),
});

function toTeamMember(m: string | z.infer<typeof teamMember>): TeamMember {
  const member = typeof m === 'string' ? { userId: m } : m;
  return { userId: member.userId, priority: member.priority ?? 0.5, isPrimary: member.isPrimary ?? false };
}

/** Seed file / admin seed body. Ids are generated when left out. */
export const seedSchema = z.object({
  companies: z
    .array(
      z.object({
        id: z.string().optional(),
        name: z.string().optional(),
        isWhitelabelCompany: z.boolean().optional(),
      }),
    )
    .optional(),
  locations: z
    .array(
      z.object({
        id: z.string().optional(),
        companyId: z.string().optional(),
        name: z.string().optional(),
        timezone: tz.optional(),
        allowDuplicateContact: z.boolean().optional(),
        duplicatePriority: z.enum(['email', 'phone']).optional(),
        /** Mint an access/refresh pair for it (returned in the seed result). */
        mintTokens: z.boolean().optional(),
        /** Send an INSTALL webhook for it. */
        install: z.boolean().optional(),
      }),
    )
    .optional(),
  users: z
    .array(
      z.object({
        id: z.string().optional(),
        locationId: z.string(),
        name: z.string().optional(),
        email: z.string().optional(),
      }),
    )
    .optional(),
  calendars: z
    .array(
      z.object({
        id: z.string().optional(),
        locationId: z.string(),
        name: z.string().optional(),
        description: z.string().optional(),
        groupId: z.string().optional(),
        /** Zone the open hours are in (default: the location's). */
        timezone: tz.optional(),
        slotDuration: z.number().int().positive().optional(),
        slotInterval: z.number().int().positive().optional(),
        appoinmentPerSlot: z.number().int().positive().optional(),
        /** Default: Monday-Friday 09:00-17:00. */
        openHours: openHours.optional(),
        /** Team members as in GET /calendars/{id}; a bare user id means priority 0.5, not primary. */
        teamMembers: z.array(z.union([z.string(), teamMember])).optional(),
      }),
    )
    .optional(),
  contacts: z
    .array(
      z.object({
        id: z.string().optional(),
        locationId: z.string(),
        firstName: z.string().optional(),
        lastName: z.string().optional(),
        email: z.string().optional(),
        phone: z.string().optional(),
        tags: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});

export type SeedInput = z.input<typeof seedSchema>;

export interface MintedTokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

export interface SeedResult {
  companies: string[];
  locations: { id: string; companyId: string; tokens?: MintedTokens }[];
  users: string[];
  calendars: string[];
  contacts: string[];
}

const DEFAULT_OPEN_HOURS = [
  { daysOfTheWeek: [1, 2, 3, 4, 5], hours: [{ openHour: 9, openMinute: 0, closeHour: 17, closeMinute: 0 }] },
];

const DEFAULT_SCOPE =
  'calendars.readonly calendars.write calendars/events.readonly calendars/events.write contacts.readonly contacts.write';

export function mintForLocation(state: SandboxState, location: Location): MintedTokens {
  const userId = [...state.store.users.values()].find((u) => u.locationId === location.id)?.id ?? ghlId();
  const pair = state.tokens.mint({
    userType: 'Location',
    companyId: location.companyId,
    locationId: location.id,
    userId,
    scope: DEFAULT_SCOPE,
  });
  return { access_token: pair.accessToken, refresh_token: pair.refreshToken, expires_in: pair.expiresIn };
}

export function mintForCompany(state: SandboxState, companyId: string): MintedTokens {
  const pair = state.tokens.mint({
    userType: 'Company',
    companyId,
    userId: ghlId(),
    scope: `${DEFAULT_SCOPE} oauth.readonly oauth.write`,
  });
  return { access_token: pair.accessToken, refresh_token: pair.refreshToken, expires_in: pair.expiresIn };
}

/** Loads records; throws a ZodError on a malformed seed. Tokens and INSTALL happen after every record exists. */
export function applySeed(state: SandboxState, input: unknown): SeedResult {
  const seed = seedSchema.parse(input);
  const { store } = state;
  const now = state.clock.now();
  const result: SeedResult = { companies: [], locations: [], users: [], calendars: [], contacts: [] };
  for (const c of seed.companies ?? []) {
    const id = c.id ?? ghlId();
    store.companies.set(id, {
      id,
      name: c.name ?? 'Sandbox Company',
      isWhitelabelCompany: c.isWhitelabelCompany ?? false,
    });
    result.companies.push(id);
  }
  const later: (() => void)[] = [];
  for (const l of seed.locations ?? []) {
    let companyId = l.companyId ?? [...store.companies.keys()][0];
    if (!companyId) {
      companyId = ghlId();
      store.companies.set(companyId, { id: companyId, name: 'Sandbox Company', isWhitelabelCompany: false });
      result.companies.push(companyId);
    } else if (!store.companies.has(companyId)) {
      store.companies.set(companyId, { id: companyId, name: 'Sandbox Company', isWhitelabelCompany: false });
    }
    const location: Location = {
      id: l.id ?? ghlId(),
      companyId,
      name: l.name ?? 'Sandbox Location',
      timezone: l.timezone ?? 'UTC',
      allowDuplicateContact: l.allowDuplicateContact ?? false,
      duplicatePriority: l.duplicatePriority ?? 'email',
    };
    store.locations.set(location.id, location);
    const entry: SeedResult['locations'][number] = { id: location.id, companyId };
    result.locations.push(entry);
    later.push(() => {
      if (l.mintTokens) entry.tokens = mintForLocation(state, location);
      if (l.install) store.emit({ type: 'INSTALL', companyId, locationId: location.id, userId: ghlId() });
    });
  }
  for (const u of seed.users ?? []) {
    const id = u.id ?? ghlId();
    store.users.set(id, {
      id,
      locationId: u.locationId,
      name: u.name ?? 'Sandbox User',
      email: u.email ?? `${id.toLowerCase()}@example.com`,
    });
    result.users.push(id);
  }
  for (const c of seed.calendars ?? []) {
    const cal: Calendar = {
      id: c.id ?? ghlId(),
      locationId: c.locationId,
      name: c.name ?? 'Sandbox Calendar',
      description: c.description ?? '',
      groupId: c.groupId,
      timezone: c.timezone ?? store.locations.get(c.locationId)?.timezone ?? 'UTC',
      calendarType: 'round_robin',
      slotDuration: c.slotDuration ?? 30,
      slotInterval: c.slotInterval ?? c.slotDuration ?? 30,
      appoinmentPerSlot: c.appoinmentPerSlot ?? 1,
      openHours: c.openHours ?? DEFAULT_OPEN_HOURS,
      teamMembers: (c.teamMembers ?? []).map(toTeamMember),
      isActive: true,
    };
    store.calendars.set(cal.id, cal);
    result.calendars.push(cal.id);
  }
  for (const c of seed.contacts ?? []) {
    const contact: Contact = {
      id: c.id ?? ghlId(),
      locationId: c.locationId,
      firstName: c.firstName,
      lastName: c.lastName,
      name: [c.firstName, c.lastName].filter(Boolean).join(' ') || undefined,
      email: c.email,
      phone: c.phone,
      dnd: false,
      tags: c.tags ?? [],
      customFields: [],
      type: 'lead',
      dateAdded: now,
      dateUpdated: now,
    };
    store.contacts.set(contact.id, contact);
    result.contacts.push(contact.id);
  }
  for (const f of later) f();
  return result;
}
