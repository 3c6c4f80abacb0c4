import { citaJson as citaShape } from '@ghl-bridge/citas';
import { z } from 'zod';

// The cita's API shape lives with the cita write module (@ghl-bridge/citas): the staff API,
// the change feed and RV3's webhooks all show a cita the same way. Named here for the document.
export { type CitaJson, toCitaJson } from '@ghl-bridge/citas';

export const citaJson = citaShape.meta({ id: 'Cita', description: 'A cita, times in its location zone' });
export const citaIdParams = z.object({ id: z.uuid({ message: 'must be a cita id (uuid)' }) });
