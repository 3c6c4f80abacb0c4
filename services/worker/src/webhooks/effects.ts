import type { WebhookEffect } from './record-webhook-event.js';

// GHL event types we act on, and what each one changes. A type missing here is recorded as
// `ignored`. The walking skeleton records these events without touching other tables; the
// cita, contact and install effects plug in here, each in its own module.
const recordOnly: WebhookEffect = async () => {};

export const webhookEffects: Readonly<Record<string, WebhookEffect>> = {
  AppointmentCreate: recordOnly,
  AppointmentUpdate: recordOnly,
  AppointmentDelete: recordOnly,
  ContactCreate: recordOnly,
  ContactUpdate: recordOnly,
  ContactDelete: recordOnly,
  INSTALL: recordOnly,
  UNINSTALL: recordOnly,
};
