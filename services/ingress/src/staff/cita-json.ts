import { z } from 'zod';

// The cita's API shape lives with the cita write module (@ghl-bridge/citas): the staff API,
// the change feed and RV3's webhooks all show a cita the same way.
export { type CitaJson, citaJson, toCitaJson } from '@ghl-bridge/citas';
export { isoWithOffset } from './fields.js';

export const errorJson = z.object({ error: z.string(), message: z.string() }).loose();
export const citaIdParams = z.object({ id: z.uuid({ message: 'must be a cita id (uuid)' }) });
