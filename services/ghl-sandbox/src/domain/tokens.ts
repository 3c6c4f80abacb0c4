import type { Clock } from './clock.js';
import { secret } from './ids.js';
import type { AccessToken, TokenGrant } from './types.js';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  grant: TokenGrant;
}

interface PendingCode {
  grant: TokenGrant;
  redirectUri?: string;
  expiresAt: number;
}

/** Where the app is installed: a location, or a company (agency) install. */
export interface AppInstall {
  /** The location id, or the company id for an agency-level install. */
  resourceId: string;
  companyId: string;
  locationId?: string;
  installedAt: number;
}

/** Authorization codes are short-lived and single-use (lifetime is UNCONFIRMED for GHL; 10 min here). */
const CODE_TTL_MS = 10 * 60_000;

/**
 * Access and refresh tokens. Refresh tokens rotate and are strictly single-use: the
 * community consensus on GHL (ghl-api.md §1.3) and the case ghl-bridge must survive.
 */
export class TokenStore {
  private readonly access = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, TokenGrant>();
  private readonly codes = new Map<string, PendingCode>();
  /** The app's installs: every token minted means one, and agency installs approve locations. */
  private readonly installs = new Map<string, AppInstall>();

  constructor(
    private readonly clock: Clock,
    public accessTtlSec: number,
  ) {}

  mint(grant: TokenGrant, withRefresh = true): TokenPair {
    this.recordInstall(grant.companyId, grant.userType === 'Location' ? grant.locationId : undefined);
    const accessToken = secret('sbx-at-');
    const refreshToken = withRefresh ? secret('sbx-rt-') : '';
    this.access.set(accessToken, {
      ...grant,
      token: accessToken,
      expiresAt: this.clock.now() + this.accessTtlSec * 1000,
    });
    if (withRefresh) this.refresh.set(refreshToken, grant);
    return { accessToken, refreshToken, expiresIn: this.accessTtlSec, grant };
  }

  /** Rotates: the used refresh token is gone before the new pair exists. */
  rotate(refreshToken: string): TokenPair | undefined {
    const grant = this.refresh.get(refreshToken);
    if (!grant) return undefined;
    this.refresh.delete(refreshToken);
    return this.mint(grant);
  }

  /** Returns the live record, or undefined when unknown or expired. */
  verify(accessToken: string): AccessToken | undefined {
    const rec = this.access.get(accessToken);
    if (!rec || rec.expiresAt <= this.clock.now()) return undefined;
    return rec;
  }

  issueCode(grant: TokenGrant, redirectUri?: string): string {
    const code = secret('sbx-code-');
    this.codes.set(code, { grant, redirectUri, expiresAt: this.clock.now() + CODE_TTL_MS });
    return code;
  }

  redeemCode(code: string): PendingCode | undefined {
    const pending = this.codes.get(code);
    this.codes.delete(code);
    if (!pending || pending.expiresAt <= this.clock.now()) return undefined;
    return pending;
  }

  /** Expires access tokens now (all, or those given). Returns how many were expired. */
  expire(tokens?: string[]): number {
    const now = this.clock.now();
    let n = 0;
    for (const rec of tokens ? tokens.map((t) => this.access.get(t)) : this.access.values()) {
      if (rec && rec.expiresAt > now) {
        rec.expiresAt = now;
        n++;
      }
    }
    return n;
  }

  /** Records an install (idempotent: the first install time is kept). */
  recordInstall(companyId: string, locationId?: string): void {
    const resourceId = locationId ?? companyId;
    if (this.installs.has(resourceId)) return;
    this.installs.set(resourceId, { resourceId, companyId, locationId, installedAt: this.clock.now() });
  }

  /** True when the app is installed on this location. */
  isInstalled(locationId: string): boolean {
    return this.installs.get(locationId)?.locationId === locationId;
  }

  /** The location installs under a company, oldest first. */
  locationInstalls(companyId: string): AppInstall[] {
    return [...this.installs.values()].filter((i) => i.companyId === companyId && i.locationId);
  }

  /** Uninstall: every token for the resource stops working, and the install is gone. */
  revokeResource(resourceId: string): void {
    this.installs.delete(resourceId);
    for (const [k, v] of this.access)
      if (v.locationId === resourceId || v.companyId === resourceId) this.access.delete(k);
    for (const [k, v] of this.refresh)
      if (v.locationId === resourceId || v.companyId === resourceId) this.refresh.delete(k);
  }
}
