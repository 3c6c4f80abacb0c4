import type { AddressInfo } from 'node:net';
import { createAdminClient, type SandboxAdmin } from './admin/client.js';
import { buildSandbox } from './app.js';
import type { SandboxOptions } from './options.js';
import type { SandboxState } from './state.js';
import type { PublicKeys } from './webhooks/signer.js';

export type { SandboxAdmin, UiAppointment, UiBlockedSlot, UiContactPatch } from './admin/client.js';
export { buildSandbox, type Sandbox } from './app.js';
export type {
  Appointment,
  BlockedSlot,
  Calendar,
  Contact,
  Location,
  TeamMember,
  User,
} from './domain/types.js';
export type { FaultRule } from './http/faults.js';
export type { LoggedRequest } from './http/inspection.js';
export type { RateLimitConfig } from './http/rate-limit.js';
export { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, type SandboxOptions } from './options.js';
export type { MintedTokens, SeedInput, SeedResult } from './seed.js';
export type { SandboxState } from './state.js';
export type { DeliveryRecord, WebhookDeliveryOptions } from './webhooks/dispatcher.js';
export type { PublicKeys } from './webhooks/signer.js';

export interface StartSandboxOptions extends SandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
}

export interface RunningSandbox {
  /** Base URL, e.g. `http://127.0.0.1:53211` (use as GHL's `https://services.leadconnectorhq.com`). */
  url: string;
  admin: SandboxAdmin;
  /** SPKI PEM keys that verify the sandbox's webhook signatures. */
  publicKeys: PublicKeys;
  clientId: string;
  clientSecret: string;
  /** In-process access to the records, for assertions the admin API does not cover. */
  state: SandboxState;
  /** True when the state was loaded from `stateFile` (the seed was then not applied). */
  restored: boolean;
  close(): Promise<void>;
}

/** Starts a sandbox on 127.0.0.1:0 for a test. */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const { host = '127.0.0.1', port = 0, ...rest } = options;
  const { app, state, restored } = await buildSandbox(rest);
  await app.listen({ host, port });
  const address = app.server.address() as AddressInfo;
  const url = `http://${host}:${address.port}`;
  return {
    url,
    admin: createAdminClient(url),
    publicKeys: state.signer.publicKeys,
    clientId: state.options.clientId,
    clientSecret: state.options.clientSecret,
    state,
    restored,
    close: async () => {
      await app.close();
    },
  };
}
