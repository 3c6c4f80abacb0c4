import type { WebhookEffect } from '../webhook-effect.js';
import { appointmentKeys, deleteAppointment, upsertAppointments } from './appointment-effects.js';
import { contactKeys, deleteContact, upsertContact } from './contact-effects.js';
import { install, installKeys, uninstall } from './install-effects.js';

/** What each GHL event type changes. A type missing here is recorded as `ignored`. */
export const webhookEffects: Readonly<Record<string, WebhookEffect>> = {
  AppointmentCreate: upsertAppointments,
  AppointmentUpdate: upsertAppointments,
  AppointmentDelete: deleteAppointment,
  ContactCreate: upsertContact,
  ContactUpdate: upsertContact,
  ContactDelete: deleteContact,
  INSTALL: install,
  UNINSTALL: uninstall,
};

const keysByType: Readonly<Record<string, (event: Record<string, unknown>) => string[]>> = {
  AppointmentCreate: appointmentKeys,
  AppointmentUpdate: appointmentKeys,
  AppointmentDelete: appointmentKeys,
  ContactCreate: contactKeys,
  ContactUpdate: contactKeys,
  ContactDelete: contactKeys,
  INSTALL: installKeys,
  UNINSTALL: installKeys,
};

/**
 * The records an event may change. Events that share one are never applied in one batch, so
 * within a batch no two events touch the same row and their order cannot matter.
 */
export function entityKeysOf(event: Record<string, unknown>): string[] {
  const keys = typeof event.type === 'string' ? keysByType[event.type] : undefined;
  return keys ? keys(event) : [];
}
