import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';

/** A fresh Ed25519 pair per run: ingress gets the public half, no private key is committed. */
export function webhookKeys(): { publicKey: string; privateKey: string } {
  return generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

export interface SignedEvent {
  webhookId: string;
  appointmentId: string;
  body: string;
  signature: string;
}

/**
 * `count` distinct AppointmentCreate events in GHL's shape (as packages/testing's factory makes
 * them), signed once each. Every event has its own hour on one calendar, so the citas they
 * create never trip the no-overlap constraint and any missing or extra row is the system's doing.
 */
export function signedAppointmentEvents(count: number, privateKey: string, runId: string): SignedEvent[] {
  const base = Date.UTC(2030, 0, 1) + Math.floor(Math.random() * 1000) * 24 * 3600_000;
  return Array.from({ length: count }, (_, i) => {
    const start = new Date(base + i * 3600_000);
    const appointmentId = `appt_${runId}_${i}`;
    const webhookId = randomUUID();
    const body = JSON.stringify({
      type: 'AppointmentCreate',
      locationId: 'loc_chaos_1',
      appointment: {
        id: appointmentId,
        title: 'Consulta',
        calendarId: 'cal_chaos_1',
        contactId: `contact_${runId}_${i}`,
        appointmentStatus: 'confirmed',
        assignedUserId: 'user_chaos_1',
        startTime: start.toISOString(),
        endTime: new Date(start.getTime() + 30 * 60_000).toISOString(),
        dateAdded: new Date().toISOString(),
        dateUpdated: new Date().toISOString(),
      },
      timestamp: new Date().toISOString(),
      webhookId,
    });
    const signature = sign(null, Buffer.from(body), privateKey).toString('base64');
    return { webhookId, appointmentId, body, signature };
  });
}

/**
 * The delivery order GHL's at-least-once delivery could produce: `duplicateShare` of the events
 * are delivered 2 to `maxCopies` times (same bytes, same webhookId), then all are shuffled.
 */
export function deliveryPlan(
  events: SignedEvent[],
  duplicateShare: number,
  maxCopies: number,
): SignedEvent[] {
  const plan: SignedEvent[] = [];
  for (const event of events) {
    const copies = Math.random() < duplicateShare ? 2 + Math.floor(Math.random() * (maxCopies - 1)) : 1;
    for (let c = 0; c < copies; c++) plan.push(event);
  }
  for (let i = plan.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [plan[i], plan[j]] = [plan[j] as SignedEvent, plan[i] as SignedEvent];
  }
  return plan;
}
