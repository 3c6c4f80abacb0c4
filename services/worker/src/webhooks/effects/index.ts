import { kindOfType } from '@ghl-bridge/citas';
import type { WebhookEffects } from '../webhook-effect.js';
import { appointmentKeys, deleteAppointments, upsertAppointments } from './appointment-effects.js';
import { contactKeys, deleteContact, upsertContact } from './contact-effects.js';
import { install, installKeys, uninstall } from './install-effects.js';

/** What each kind of GHL event changes. Events of no kind here are recorded as `ignored`. */
export const webhookEffects: WebhookEffects = {
  'appointment.upsert': upsertAppointments,
  'appointment.delete': deleteAppointments,
  'contact.upsert': upsertContact,
  'contact.delete': deleteContact,
  install,
  uninstall,
};

const keysByKind: Partial<Record<string, (event: Record<string, unknown>) => string[]>> = {
  'appointment.upsert': appointmentKeys,
  'appointment.delete': appointmentKeys,
  'contact.upsert': contactKeys,
  'contact.delete': contactKeys,
  install: installKeys,
  uninstall: installKeys,
};

/**
 * The records an event may change. Events that share one are never applied in one batch, so
 * within a batch no two events touch the same row and their order cannot matter.
 */
export function entityKeysOf(event: Record<string, unknown>): string[] {
  return keysByKind[kindOfType(event.type)]?.(event) ?? [];
}
