/**
 * The answer of a `ghl-reads` job when GHL refused what a person asked for (an unknown
 * calendar, a bad range), or ghl-bridge holds no working tokens for the location: a value, not
 * a job failure. Ingress turns it into a 4xx with GHL's message.
 */
export interface GhlRefusal {
  ghlRefusal: {
    /** GHL's status; 0 when ghl-bridge holds no working GHL tokens for the location. */
    status: number;
    message: string;
    traceId?: string | undefined;
  };
}

export function isGhlRefusal(value: unknown): value is GhlRefusal {
  return typeof value === 'object' && value !== null && 'ghlRefusal' in value;
}
