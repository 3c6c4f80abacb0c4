import { ghlError } from '../http/errors.js';
import { parseTime } from './appointment-ops.js';
import type { Clock } from './clock.js';
import { ghlId } from './ids.js';
import type { Store } from './store.js';
import type { BlockedSlot } from './types.js';

export interface BlockedSlotInput {
  /** Needed for a user's block when the user is unknown to the sandbox; else derived. */
  locationId?: string;
  calendarId?: string;
  assignedUserId?: string;
  title?: string;
  startTime: string;
  endTime: string;
}

/**
 * Blocks time as a GHL user does in the calendar UI. The rules are GHL's
 * BlockSlotCreateRequestDTO: a block belongs to a calendar or to a user, not both.
 * No webhook: GHL documents none for blocked slots.
 */
export function createBlockedSlot(store: Store, clock: Clock, input: BlockedSlotInput): BlockedSlot {
  if ((input.calendarId === undefined) === (input.assignedUserId === undefined)) {
    throw ghlError(422, ['Either calendarId or assignedUserId can be set, not both.']);
  }
  let locationId: string | undefined;
  if (input.calendarId !== undefined) {
    locationId = store.calendars.get(input.calendarId)?.locationId;
    if (!locationId) throw ghlError(400, 'Calendar not found');
  } else {
    locationId = store.users.get(input.assignedUserId ?? '')?.locationId ?? input.locationId;
    if (!locationId) throw ghlError(400, 'User not found: give locationId');
  }
  if (input.locationId !== undefined && input.locationId !== locationId) {
    throw ghlError(400, 'The calendar or user does not belong to this location');
  }
  if (!store.locations.has(locationId)) throw ghlError(400, 'Location not found');
  const startMs = parseTime('startTime', input.startTime);
  const endMs = parseTime('endTime', input.endTime);
  if (endMs <= startMs) throw ghlError(400, 'endTime must be after startTime');
  const now = clock.now();
  const block: BlockedSlot = {
    id: ghlId(),
    locationId,
    ...(input.calendarId !== undefined ? { calendarId: input.calendarId } : {}),
    ...(input.assignedUserId !== undefined ? { assignedUserId: input.assignedUserId } : {}),
    title: input.title ?? 'Blocked',
    startMs,
    endMs,
    dateAdded: now,
    dateUpdated: now,
  };
  store.blockedSlots.set(block.id, block);
  return block;
}

export function deleteBlockedSlot(store: Store, id: string): BlockedSlot {
  const block = store.blockedSlots.get(id);
  if (!block) throw ghlError(404, 'Blocked slot not found');
  store.blockedSlots.delete(id);
  return block;
}
