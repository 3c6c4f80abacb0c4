import { createHash, randomUUID } from 'node:crypto';

// Factories for webhook bodies in the shapes GHL publishes (shared/ghl-examples/webhooks),
// with the top-level `timestamp` and `webhookId` that signed deliveries carry.

let sequence = 0;
const nextId = (prefix: string) => `${prefix}${Date.now().toString(36)}${(++sequence).toString(36)}`;

export interface AppointmentEventOptions {
  type?: 'AppointmentCreate' | 'AppointmentUpdate' | 'AppointmentDelete';
  locationId?: string;
  webhookId?: string | null;
  timestamp?: string;
  appointment?: Record<string, unknown>;
}

export function appointmentEvent(options: AppointmentEventOptions = {}): Record<string, unknown> {
  // Each event gets its own hour, so citas built from them never overlap on the test calendar.
  const start = new Date(Date.now() + 24 * 3600_000 + ++sequence * 3600_000);
  start.setUTCMinutes(0, 0, 0);
  const end = new Date(start.getTime() + 30 * 60_000);
  const body: Record<string, unknown> = {
    type: options.type ?? 'AppointmentCreate',
    locationId: options.locationId ?? 'loc_test_1',
    appointment: {
      id: nextId('appt_'),
      address: 'https://example.com/meeting',
      title: 'Consulta',
      calendarId: 'cal_test_1',
      contactId: nextId('contact_'),
      groupId: 'group_test_1',
      appointmentStatus: 'confirmed',
      assignedUserId: 'user_test_1',
      users: ['user_test_1'],
      notes: '',
      source: 'booking_widget',
      startTime: start.toISOString(),
      endTime: end.toISOString(),
      dateAdded: new Date().toISOString(),
      dateUpdated: new Date().toISOString(),
      ...options.appointment,
    },
    timestamp: options.timestamp ?? new Date().toISOString(),
  };
  if (options.webhookId !== null) body.webhookId = options.webhookId ?? randomUUID();
  return body;
}

export function contactEvent(
  type: 'ContactCreate' | 'ContactUpdate' | 'ContactDelete' = 'ContactCreate',
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type,
    locationId: 'loc_test_1',
    id: nextId('contact_'),
    firstName: 'Ana',
    lastName: 'Quispe',
    name: 'Ana Quispe',
    email: 'ana.quispe@example.com',
    phone: '+51987654321',
    dnd: false,
    tags: [],
    customFields: [],
    dateAdded: new Date().toISOString(),
    timestamp: new Date().toISOString(),
    webhookId: randomUUID(),
    ...overrides,
  };
}

/** The `webhook.process` payload ingress stores for one delivery of `event`'s body. */
export function webhookDelivery(event: Record<string, unknown>) {
  const raw = JSON.stringify(event);
  return {
    payloadHash: createHash('sha256').update(raw).digest('hex'),
    webhookId: typeof event.webhookId === 'string' ? event.webhookId : undefined,
    event,
    receivedAt: new Date().toISOString(),
  };
}
