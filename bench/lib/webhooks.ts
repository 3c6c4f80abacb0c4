import { createPrivateKey, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';

// What the benches need beyond @ghl-bridge/testing/payloads: a signer that parses its key once,
// and bodies on fixed, non-overlapping half hours.

export interface Ed25519Keys {
  publicKey: string;
  privateKey: string;
}

/** A fresh Ed25519 pair per run, as GHL's webhook key; no private key is ever committed. */
export function generateEd25519Keys(): Ed25519Keys {
  return generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/**
 * A signer for `x-ghl-signature` as GHL sends it: Ed25519 over the exact body bytes, base64. The
 * PEM is parsed once; parsing it per call made signing the body pool take a minute.
 */
export function ed25519Signer(keys: Ed25519Keys): (body: string) => string {
  const privateKey: KeyObject = createPrivateKey(keys.privateKey);
  return (body) => sign(null, Buffer.from(body), privateKey).toString('base64');
}

const LIMA_OFFSET_MS = 5 * 3600_000;

/**
 * An AppointmentCreate body in GHL's published shape. `slot` gives each event its own half hour,
 * so the citas built from them never overlap on the one calendar.
 */
export function appointmentCreate(slot: number, locationId = 'bench-loc'): Record<string, unknown> {
  const start = new Date(Date.UTC(2031, 0, 1) + LIMA_OFFSET_MS + slot * 30 * 60_000);
  const now = new Date().toISOString();
  return {
    type: 'AppointmentCreate',
    locationId,
    appointment: {
      id: `appt-${slot}-${randomUUID().slice(0, 8)}`,
      address: 'https://example.com/meeting',
      title: 'Consulta',
      calendarId: 'bench-cal',
      contactId: `contact-${slot}`,
      groupId: 'bench-group',
      appointmentStatus: 'confirmed',
      assignedUserId: 'bench-user',
      users: ['bench-user'],
      notes: '',
      source: 'booking_widget',
      startTime: start.toISOString(),
      endTime: new Date(start.getTime() + 30 * 60_000).toISOString(),
      dateAdded: now,
      dateUpdated: now,
    },
    timestamp: now,
    webhookId: randomUUID(),
  };
}
