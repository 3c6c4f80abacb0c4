import type { WebhookEffect } from '../record-webhook-event.js';
import { deleteAppointment, upsertAppointment } from './appointment-effects.js';
import { deleteContact, upsertContact } from './contact-effects.js';
import { install, uninstall } from './install-effects.js';

/** What each GHL event type changes. A type missing here is recorded as `ignored`. */
export const webhookEffects: Readonly<Record<string, WebhookEffect>> = {
  AppointmentCreate: upsertAppointment,
  AppointmentUpdate: upsertAppointment,
  AppointmentDelete: deleteAppointment,
  ContactCreate: upsertContact,
  ContactUpdate: upsertContact,
  ContactDelete: deleteContact,
  INSTALL: install,
  UNINSTALL: uninstall,
};
