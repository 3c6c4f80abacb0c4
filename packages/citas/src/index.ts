// The one write path for citas. Every write to a cita row (staff actions, GHL webhooks,
// reconciliation, sync results) goes through this package, which settles conflicts and appends
// the change RV3 hears in the same transaction.

export {
  type FeedPage,
  type FeedQuery,
  feedHeadPosition,
  feedStart,
  pruneChanges,
  readChanges,
  sequenceChanges,
} from './change-feed.js';
export { type ChangeJson, changeJson, encodeFeedCursor, toChangeJson } from './change-json.js';
export { CHANGES_CHANNEL } from './change-log.js';
export { changedFields, changeKind } from './changed-fields.js';
export { type CitaJson, citaJson, toCitaJson } from './cita-json.js';
export { CitaWrites, writeCitas } from './cita-writes.js';
export { applyContactToCitas, type ContactFacts, contactsByIds } from './contacts.js';
export {
  applyGhlAppointments,
  deleteGhlAppointments,
  type GhlApplyResult,
  type GhlAppointment,
  type GhlDeletion,
  type GhlOutcome,
} from './ghl-appointments.js';
export {
  type ContactFromGhl,
  type DeliveredEvent,
  eventTime,
  type GhlEvent,
  type GhlEventKind,
  GhlEventShapeError,
  kindOfType,
  parseGhlEvent,
  withoutNulBytes,
} from './ghl-events.js';
export { blockedSlotOverlapping, citasOverlapping, type Slot } from './slot-queries.js';
export {
  assertSlotFree,
  changeStaffCita,
  createStaffCita,
  SlotTakenError,
  type StaffCitaValues,
  type StaffPatch,
} from './staff-writes.js';
export { recordSyncFailed, recordSyncSucceeded, type SyncSucceeded } from './sync-results.js';
