export interface Booking {
  location_id: string;
  calendar_id: string;
  patient: { name: string; email: string };
  start: string;
  title: string;
}

/**
 * `perLocation` bookings on each (location, calendar), on distinct 30-minute slots inside the
 * default business hours (America/Lima, UTC-5 all year, Monday to Saturday 08:00-20:00), from
 * `daysAhead` days out so no minimum-notice or overlap rule can refuse one.
 */
export function bookings(
  targets: { locationId: string; calendarId: string }[],
  perLocation: number,
  runId: string,
  daysAhead = 30,
): Booking[] {
  const out: Booking[] = [];
  const slots = limaSlots(perLocation, daysAhead);
  for (const { locationId, calendarId } of targets) {
    slots.forEach((start, i) => {
      out.push({
        location_id: locationId,
        calendar_id: calendarId,
        patient: { name: `Paciente ${i}`, email: `p${i}.${locationId}.${runId}@example.com` },
        start,
        title: `chaos ${runId} ${i}`,
      });
    });
  }
  return out;
}

function limaSlots(count: number, daysAhead: number): string[] {
  const slots: string[] = [];
  const day = new Date(Date.now() + daysAhead * 86_400_000);
  while (slots.length < count) {
    const date = day.toISOString().slice(0, 10);
    // 12:00 UTC is 07:00 in Lima, the same calendar day, so getUTCDay is Lima's weekday here.
    const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
    if (weekday !== 0) {
      for (let half = 16; half < 40 && slots.length < count; half++) {
        const hh = String(Math.floor(half / 2)).padStart(2, '0');
        slots.push(`${date}T${hh}:${half % 2 ? '30' : '00'}:00-05:00`);
      }
    }
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return slots;
}

/** POSTs every booking to the staff API; returns the cita ids of the 202s and the other answers. */
export async function postBookings(
  url: string,
  apiKey: string,
  list: Booking[],
  concurrency = 8,
): Promise<{ citaIds: string[]; rejected: string[] }> {
  const citaIds: string[] = [];
  const rejected: string[] = [];
  let next = 0;
  const lane = async () => {
    for (let b = list[next++]; b; b = list[next++]) {
      const response = await fetch(`${url}/api/ghl/citas/`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(b),
      });
      const body = (await response.json()) as { id?: string };
      if (response.status === 202 && body.id) citaIds.push(body.id);
      else rejected.push(`${response.status} ${JSON.stringify(body).slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { citaIds, rejected };
}
