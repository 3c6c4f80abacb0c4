import { ghlId } from './ids.js';
import type { Store } from './store.js';
import type { Contact } from './types.js';

/** Contact fields a change may set (upsert body or a GHL user's edit); null clears a field. */
export interface ContactPatch {
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  gender?: string;
  address1?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string;
  website?: string | null;
  timezone?: string | null;
  source?: string;
  dateOfBirth?: string | null;
  country?: string;
  companyName?: string | null;
  assignedTo?: string;
  dnd?: boolean;
  dndSettings?: Record<string, { status: string; message?: string; code?: string }>;
  /** Replaces every tag (as upsert does, ghl-api.md §4.5). */
  tags?: string[];
  customFields?: { id?: string; key?: string; field_value?: unknown; value?: unknown }[];
}

/** A contact as GHL makes one (a lead with no tags), before its fields are set. */
export function newContact(locationId: string, now: number): Contact {
  return {
    id: ghlId(),
    locationId,
    dnd: false,
    tags: [],
    customFields: [],
    type: 'lead',
    dateAdded: now,
    dateUpdated: now,
  };
}

const TEXT_FIELDS = [
  'firstName',
  'lastName',
  'name',
  'email',
  'phone',
  'gender',
  'address1',
  'city',
  'state',
  'postalCode',
  'website',
  'timezone',
  'source',
  'dateOfBirth',
  'country',
  'companyName',
  'assignedTo',
] as const;

export function applyContactPatch(c: Contact, patch: ContactPatch): void {
  for (const k of TEXT_FIELDS) {
    const v = patch[k];
    if (v !== undefined) c[k] = v ?? undefined;
  }
  if (patch.dnd !== undefined) c.dnd = patch.dnd;
  if (patch.dndSettings) c.dndSettings = patch.dndSettings;
  if (patch.tags) c.tags = patch.tags;
  if (patch.customFields) {
    c.customFields = patch.customFields.map((f) => ({
      id: f.id ?? f.key ?? ghlId(),
      value: f.field_value ?? f.value,
    }));
  }
  if (patch.name === undefined && (patch.firstName !== undefined || patch.lastName !== undefined)) {
    c.name = [c.firstName, c.lastName].filter(Boolean).join(' ') || undefined;
  }
}

/** What tells a tag or DND change apart, taken before the change. */
export type ContactMarks = { tags: string; dnd: string };

export function contactMarks(c: Contact): ContactMarks {
  return { tags: JSON.stringify(c.tags), dnd: JSON.stringify([c.dnd, c.dndSettings ?? null]) };
}

/**
 * Webhooks for a change to an existing contact: ContactUpdate always, plus ContactTagUpdate
 * when its tags changed and ContactDndUpdate when its DND changed. GHL documents both events
 * with the full flat contact body (docs/webhook events/ContactTagUpdate.md, ContactDndUpdate.md).
 */
export function emitContactUpdate(store: Store, contact: Contact, before: ContactMarks): void {
  const after = contactMarks(contact);
  store.emit({ type: 'ContactUpdate', contact });
  if (after.tags !== before.tags) store.emit({ type: 'ContactTagUpdate', contact });
  if (after.dnd !== before.dnd) store.emit({ type: 'ContactDndUpdate', contact });
}
