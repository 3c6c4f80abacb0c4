import type { Prng } from '../prng.js';
import type { FuzzRequest } from '../raw-http.js';

/** What the generators may use: the suite's credentials, ids and clock, made at setup. */
export interface FuzzContext {
  /** Installed in the sandbox, with a calendar; the staff key's first location. */
  locationId: string;
  calendarId: string;
  /** In the staff key's locations, but not installed: GHL reads for it are refused. */
  otherLocationId: string;
  /** Not in the staff key's locations (the foreign key's only one). */
  foreignLocationId: string;
  apiKey: string;
  foreignApiKey: string;
  revokedApiKey: string;
  adminToken: string;
  /** LOCATION's workflow secret, and one revoked. */
  workflowSecret: string;
  revokedWorkflowSecret: string;
  /** Citas booked at setup in `locationId`: targets for reads, edits and cancels. */
  citaIds: string[];
  /** A state and its cookie nonce from a real /oauth/install, for forgeries close to the truth. */
  install: { state: string; nonce: string };
  queueNames: string[];
  /** Where ingress listens (`http://127.0.0.1:<port>`): an RV3 endpoint there must be refused. */
  ingressUrl: string;
  /** Ed25519 signature (base64) of exact bytes, as GHL signs its webhooks. */
  sign(body: Buffer): string;
  /** Milliseconds since the epoch when the run started (timestamps are made from it). */
  now: number;
  /** A free 30-minute slot in `locationId`'s business hours, never handed out twice. */
  nextSlot(): { start: string; end: string };
  /** A number unique in the run, for ids the fuzzer makes up. */
  nextId(): number;
}

export interface RouteGenerator {
  /** The registered routes (`METHOD /url`) it makes requests for; a GET covers its HEAD. */
  covers: readonly string[] | ((route: string) => boolean);
  /** How often it is picked, relative to the others, once every route has had its first turn. */
  weight: number;
  generate(ctx: FuzzContext, prng: Prng, route: string): FuzzRequest;
}
