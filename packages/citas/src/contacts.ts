import { type Cita, type CitaChangeOrigin, citas, type Executor, ghlContacts } from '@ghl-bridge/db';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { writeCitas } from './cita-writes.js';

/** What a cita takes from a GHL contact: who the patient is and how to reach them. */
export interface ContactFacts {
  id: string;
  locationId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
}

export async function contactsByIds(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, ContactFacts>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({
      id: ghlContacts.id,
      locationId: ghlContacts.locationId,
      name: ghlContacts.name,
      email: ghlContacts.email,
      phone: ghlContacts.phone,
    })
    .from(ghlContacts)
    .where(and(inArray(ghlContacts.id, [...new Set(ids)]), isNull(ghlContacts.deletedAt)));
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * A contact as GHL now holds it, onto the live citas that name it in its location. GHL is the
 * patient's truth for appointments made in GHL; for RV3's own bookings RV3 owns the patient,
 * so GHL only fills what RV3 left empty. An empty value never wipes ours.
 */
export async function applyContactToCitas(
  tx: Executor,
  contact: ContactFacts,
  origin: CitaChangeOrigin,
): Promise<number> {
  const linked = await tx
    .select()
    .from(citas)
    .where(
      and(
        eq(citas.ghlContactId, contact.id),
        eq(citas.locationId, contact.locationId),
        isNull(citas.deletedAt),
      ),
    )
    .orderBy(citas.id)
    .for('update');
  const { result } = await writeCitas(tx, origin, async (writes) => {
    let changed = 0;
    for (const cita of linked) {
      const patient = patientFrom(cita, contact);
      if (!patient) continue;
      await tx.update(citas).set(patient).where(eq(citas.id, cita.id));
      writes.touch(cita.id, cita, { slotUnchanged: true });
      changed++;
    }
    return changed;
  });
  return result;
}

function patientFrom(cita: Cita, contact: ContactFacts) {
  const fromGhl = cita.source === 'ghl';
  const pick = (ours: string | null, theirs: string | null) => (theirs && (fromGhl || !ours) ? theirs : ours);
  const next = {
    patientName: (fromGhl ? contact.name : null) || cita.patientName,
    patientPhone: pick(cita.patientPhone, contact.phone),
    patientEmail: pick(cita.patientEmail, contact.email),
  };
  const same =
    next.patientName === cita.patientName &&
    next.patientPhone === cita.patientPhone &&
    next.patientEmail === cita.patientEmail;
  return same ? undefined : { ...next, updatedAt: new Date() };
}
