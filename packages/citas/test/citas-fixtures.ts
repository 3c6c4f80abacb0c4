import { type CitaChange, citaChanges, type Db } from '@ghl-bridge/db';
import { asc, eq } from 'drizzle-orm';
import type { GhlAppointment, StaffCitaValues } from '../src/index.js';

// Rows and appointments for the cita module's tests: each test uses its own calendar, so tests
// sharing the file's database never meet.

let counter = 0;
export const uniqueCalendar = () => `cal_${Date.now().toString(36)}_${++counter}`;

export const at = (iso: string) => new Date(iso);

export function staffValues(calendarId: string, overrides: Partial<StaffCitaValues> = {}): StaffCitaValues {
  return {
    locationId: 'loc_citas',
    calendarId,
    patientName: 'Ana Quispe',
    patientPhone: '+51987654321',
    patientEmail: null,
    startAt: at('2030-03-04T14:00:00Z'),
    endAt: at('2030-03-04T14:30:00Z'),
    blockedUntil: at('2030-03-04T14:30:00Z'),
    assignedUserId: 'user_1',
    ...overrides,
  };
}

export function ghlAppointment(calendarId: string, overrides: Partial<GhlAppointment> = {}): GhlAppointment {
  return {
    id: `appt_${Date.now().toString(36)}_${++counter}`,
    locationId: 'loc_citas',
    calendarId,
    startAt: at('2030-03-04T14:00:00Z'),
    endAt: at('2030-03-04T14:30:00Z'),
    contactId: null,
    title: 'Consulta',
    status: 'confirmed',
    assignedUserId: 'user_1',
    at: new Date(),
    ...overrides,
  };
}

export async function changesOf(db: Db, citaId: string): Promise<CitaChange[]> {
  return db.select().from(citaChanges).where(eq(citaChanges.citaId, citaId)).orderBy(asc(citaChanges.seq));
}
