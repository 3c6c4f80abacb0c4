// GHL webhook event types, in one place for ingress, the worker and metric labels.

/**
 * What a GHL workflow "Custom Webhook" may drive: appointment and contact changes of its own
 * location. Never INSTALL/UNINSTALL (tokens), nor anything else.
 */
export const WORKFLOW_EVENT_TYPES = [
  'AppointmentCreate',
  'AppointmentUpdate',
  'AppointmentDelete',
  'ContactCreate',
  'ContactUpdate',
  'ContactDelete',
  'ContactTagUpdate',
  'ContactDndUpdate',
] as const;

/** Every type ghl-bridge knows by name; anything else counts as `other` in metrics. */
export const KNOWN_WEBHOOK_TYPES = [...WORKFLOW_EVENT_TYPES, 'INSTALL', 'UNINSTALL'] as const;

export function isWorkflowEventType(type: unknown): boolean {
  return typeof type === 'string' && (WORKFLOW_EVENT_TYPES as readonly string[]).includes(type);
}

/** A metric label from a fixed list: a sender choosing `type` must not grow the series. */
export function webhookTypeLabel(type: unknown): string {
  return typeof type === 'string' && (KNOWN_WEBHOOK_TYPES as readonly string[]).includes(type)
    ? type
    : 'other';
}
