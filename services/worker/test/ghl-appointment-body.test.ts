import { type Cita, DEFAULT_LOCATION_SETTINGS } from '@ghl-bridge/db';
import { describe, expect, it } from 'vitest';
import { toGhlAppointmentBody } from '../src/citas/ghl-appointment-body.js';

const settings = {
  ...DEFAULT_LOCATION_SETTINGS,
  locationId: 'loc_1',
  isDefault: false,
  notifyPatient: false,
};
const cita: Cita = {
  id: '5b0c5a55-1111-4222-8333-444455556666',
  locationId: 'loc_1',
  calendarId: 'cal_1',
  patientName: 'Ana Quispe',
  patientPhone: '+51987654321',
  patientEmail: null,
  ghlContactId: 'contact_1',
  title: null,
  notes: 'first visit',
  ghlNotes: null,
  externalId: null,
  conflictWith: [],
  startAt: new Date('2030-03-04T14:00:00Z'),
  endAt: new Date('2030-03-04T14:30:00Z'),
  blockedUntil: new Date('2030-03-04T14:30:00Z'),
  status: 'completed',
  assignedUserId: 'user_1',
  ghlAppointmentId: null,
  syncStatus: 'pending',
  syncError: null,
  syncAttempts: 0,
  source: 'rv3',
  version: 1,
  ghlDateUpdated: null,
  deletedAt: null,
  createdAt: new Date(),
  updatedAt: new Date(),
};

describe('toGhlAppointmentBody', () => {
  it('maps a cita to GHL fields, toNotify from the location and request-only statuses', () => {
    expect(toGhlAppointmentBody(cita, settings)).toEqual({
      calendarId: 'cal_1',
      locationId: 'loc_1',
      contactId: 'contact_1',
      startTime: '2030-03-04T14:00:00.000Z',
      endTime: '2030-03-04T14:30:00.000Z',
      // No title: the patient's name, as the clinic's staff would see it in GHL.
      title: 'Ana Quispe',
      description: 'first visit',
      // GHL's request enum has no `completed`.
      appointmentStatus: 'showed',
      assignedUserId: 'user_1',
      toNotify: false,
      ignoreFreeSlotValidation: true,
    });
  });

  it('leaves out what the cita does not have yet', () => {
    const body = toGhlAppointmentBody(
      { ...cita, ghlContactId: null, assignedUserId: null, notes: null },
      settings,
    );
    expect(body).not.toHaveProperty('contactId');
    expect(body).not.toHaveProperty('assignedUserId');
    expect(body).not.toHaveProperty('description');
  });
});
