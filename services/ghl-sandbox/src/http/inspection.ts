/** What tests ask the sandbox afterwards: "exactly one refresh", "which calls arrived". */
export interface LoggedRequest {
  at: string;
  method: string;
  url: string;
  /** Fastify route pattern, e.g. `/calendars/:calendarId`; empty for 404s. */
  route: string;
  statusCode: number;
  /** Location or company the bearer token belongs to, when there was a valid one. */
  resourceId?: string;
  /** Extra facts, e.g. the OAuth grant type. */
  note?: string;
}

export class Inspection {
  private readonly log: LoggedRequest[] = [];
  private readonly counters = new Map<string, number>();

  constructor(private readonly maxLog: number) {}

  count(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  record(entry: LoggedRequest): void {
    if (this.maxLog <= 0) return;
    this.log.push(entry);
    if (this.log.length > this.maxLog) this.log.splice(0, this.log.length - this.maxLog);
  }

  snapshot(): { counters: Record<string, number> } {
    return { counters: Object.fromEntries(this.counters) };
  }

  requests(): LoggedRequest[] {
    return [...this.log];
  }

  reset(): void {
    this.log.length = 0;
    this.counters.clear();
  }
}
