import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger, Metrics } from '@ghl-bridge/observability';
import { GhlNeedsReauthError, GhlPermanentError, GhlTransientError } from '../errors.js';
import type { OAuthApi } from '../oauth-api.js';
import type { TokenResponse } from '../schemas.js';
import type { AccessTokenCache } from './access-token-cache.js';
import type { HeldLock, RefreshLock } from './refresh-lock.js';
import type { StoredTokens, TokenSet, TokenStore } from './token-store.js';

export interface AccessGrant {
  accessToken: string;
  /** The stored version this token belongs to: a 401 names it, so only a stale token triggers a refresh. */
  version: number;
}

export interface TokenManagerDeps {
  store: TokenStore;
  cache: AccessTokenCache;
  lock: RefreshLock;
  oauth: OAuthApi;
  log: Logger;
  metrics: Metrics['ghl'];
  /** Refresh this long before expiry. */
  refreshMarginMs: number;
  /** Give up waiting for a peer's refresh after this long (a transient failure; the job retries). */
  lockWaitMs: number;
  now?: () => number;
}

/**
 * Access tokens for every caller in every process, with at most one refresh in flight per
 * location: callers in one process share a promise; processes share a Redis lock, and whoever
 * waits watches the store for the peer's result. The rotated pair is stored (compare-and-set on
 * the version) before anyone uses the new access token, because GHL refresh tokens are single use.
 */
export class TokenManager {
  private readonly inFlight = new Map<string, Promise<AccessGrant>>();
  private readonly now: () => number;

  constructor(private readonly deps: TokenManagerDeps) {
    this.now = deps.now ?? Date.now;
  }

  async accessToken(resourceId: string): Promise<AccessGrant> {
    const cached = await this.deps.cache.get(resourceId);
    if (cached && this.isFresh(cached.expiresAt)) return cached;
    const stored = await this.activeTokens(resourceId);
    if (this.isFresh(stored.expiresAt.getTime())) {
      await this.cacheGrant(stored);
      return { accessToken: stored.accessToken, version: stored.version };
    }
    return this.refresh(resourceId, stored.version);
  }

  /** Refreshes because the token of `staleVersion` is expiring or GHL rejected it with a 401. */
  refresh(resourceId: string, staleVersion: number): Promise<AccessGrant> {
    const running = this.inFlight.get(resourceId);
    if (running) return running;
    const refresh = this.refreshAcrossProcesses(resourceId, staleVersion).finally(() =>
      this.inFlight.delete(resourceId),
    );
    this.inFlight.set(resourceId, refresh);
    return refresh;
  }

  private async refreshAcrossProcesses(resourceId: string, staleVersion: number): Promise<AccessGrant> {
    const waitStarted = this.now();
    for (;;) {
      const lock = await this.deps.lock.tryAcquire(resourceId);
      if (lock) {
        this.deps.metrics.lockWaitSeconds.observe((this.now() - waitStarted) / 1000);
        try {
          return await this.refreshHolding(resourceId, staleVersion, lock);
        } finally {
          await lock.release();
        }
      }
      // A peer holds the lock: its rotated pair lands in the store; take it as soon as it does.
      await sleep(25 + Math.random() * 50);
      const current = await this.activeTokens(resourceId);
      if (current.version !== staleVersion && this.isFresh(current.expiresAt.getTime())) {
        this.deps.metrics.lockWaitSeconds.observe((this.now() - waitStarted) / 1000);
        return { accessToken: current.accessToken, version: current.version };
      }
      if (this.now() - waitStarted > this.deps.lockWaitMs) {
        throw new GhlTransientError(
          `waited ${this.deps.lockWaitMs} ms for another process to refresh ${resourceId}`,
        );
      }
    }
  }

  private async refreshHolding(
    resourceId: string,
    staleVersion: number,
    lock: HeldLock,
  ): Promise<AccessGrant> {
    // Re-read under the lock: a peer may have refreshed between our read and our lock.
    const stored = await this.activeTokens(resourceId);
    if (stored.version !== staleVersion && this.isFresh(stored.expiresAt.getTime())) {
      return { accessToken: stored.accessToken, version: stored.version };
    }
    if (!stored.refreshToken) return this.recoverRejected(stored, 'no refresh token stored');

    const started = this.now();
    let response: TokenResponse;
    try {
      response = await this.deps.oauth.refresh(stored.refreshToken, stored.userType);
    } catch (error) {
      if (error instanceof GhlPermanentError) return this.recoverRejected(stored, error.ghlMessage);
      this.deps.metrics.refreshes.inc({ outcome: 'transient_failure' });
      throw error;
    }
    if (!(await lock.stillHeld()))
      this.deps.log.warn({ resourceId }, 'refresh lock lapsed during refresh; version check decides');
    const grant = await this.storeRotated(stored, response);
    this.deps.metrics.refreshes.inc({ outcome: 'refreshed' });
    this.deps.metrics.refreshSeconds.observe((this.now() - started) / 1000);
    this.deps.log.info({ resourceId, version: grant.version }, 'GHL token refreshed');
    return grant;
  }

  /** GHL refused the refresh token: a peer may have rotated it; else mint from the company; else re-auth. */
  private async recoverRejected(stored: StoredTokens, reason: string): Promise<AccessGrant> {
    const current = await this.deps.store.get(stored.resourceId);
    if (current && current.status === 'active' && current.version !== stored.version) {
      return { accessToken: current.accessToken, version: current.version };
    }
    if (stored.userType === 'Location' && stored.companyId) {
      try {
        const minted = await this.mintFromCompany(stored.companyId, stored.resourceId);
        const grant = await this.storeRotated(stored, minted);
        this.deps.metrics.refreshes.inc({ outcome: 'minted_from_company' });
        this.deps.log.info({ resourceId: stored.resourceId }, 'location token minted from the company token');
        return grant;
      } catch (error) {
        this.deps.log.warn({ err: error, resourceId: stored.resourceId }, 'company fallback failed');
      }
    }
    await this.deps.store.markNeedsReauth(stored.resourceId, `GHL rejected the refresh: ${reason}`);
    await this.deps.cache.drop(stored.resourceId);
    this.deps.metrics.refreshes.inc({ outcome: 'rejected' });
    this.deps.metrics.needsReauth.inc();
    this.deps.log.error({ resourceId: stored.resourceId, reason }, 'GHL install needs re-authorisation');
    throw new GhlNeedsReauthError(stored.resourceId, reason);
  }

  /**
   * A location installed under an agency: make sure it has its own token. One it already has
   * (its own OAuth install, or an earlier mint) is kept. Else the location's token is minted
   * from the company token. GHL may announce the install (INSTALL webhook) before the code
   * exchange that brings either token has finished (its issue #294), so when neither is stored
   * yet this throws a transient error: the job retries with backoff until one arrives.
   */
  async installFromCompany(companyId: string, locationId: string): Promise<'present' | 'minted'> {
    const existing = await this.deps.store.get(locationId);
    if (existing?.status === 'active') return 'present';
    const company = await this.deps.store.get(companyId);
    if (company?.status !== 'active' || company.userType !== 'Company')
      throw new GhlTransientError(
        `no token yet for location ${locationId}: neither its own install nor company ${companyId}'s token has arrived`,
      );
    const minted = await this.mintFromCompany(companyId, locationId);
    await this.deps.store.save({
      resourceId: locationId,
      userType: 'Location',
      companyId,
      accessToken: minted.access_token,
      refreshToken: minted.refresh_token,
      expiresAt: new Date(this.now() + minted.expires_in * 1000),
      scopes: minted.scope,
    });
    await this.deps.cache.drop(locationId);
    this.deps.log.info({ locationId, companyId }, 'location token minted from the company token on install');
    return 'minted';
  }

  /** True when working tokens are stored for the location or company. */
  async hasActiveTokens(resourceId: string): Promise<boolean> {
    return (await this.deps.store.get(resourceId))?.status === 'active';
  }

  private async mintFromCompany(companyId: string, locationId: string): Promise<TokenResponse> {
    const company = await this.accessToken(companyId);
    return this.deps.oauth.locationToken(company.accessToken, companyId, locationId);
  }

  private async storeRotated(stored: StoredTokens, response: TokenResponse): Promise<AccessGrant> {
    const next: TokenSet = {
      resourceId: stored.resourceId,
      userType: stored.userType,
      companyId: stored.companyId ?? response.companyId,
      accessToken: response.access_token,
      // GHL rotates the refresh token on every use; keep the old one only if none came back.
      refreshToken: response.refresh_token ?? stored.refreshToken,
      expiresAt: new Date(this.now() + response.expires_in * 1000),
      scopes: response.scope ?? stored.scopes,
    };
    const version = await this.deps.store.compareAndSet(stored.version, next);
    if (version === undefined) {
      // A peer stored a newer pair first (our lock had lapsed): theirs is the one GHL honours now.
      const current = await this.activeTokens(stored.resourceId);
      return { accessToken: current.accessToken, version: current.version };
    }
    await this.cacheGrant({ ...next, version });
    return { accessToken: next.accessToken, version };
  }

  private async activeTokens(resourceId: string): Promise<StoredTokens> {
    const stored = await this.deps.store.get(resourceId);
    if (!stored) throw new GhlNeedsReauthError(resourceId, 'no tokens stored for it (install the app)');
    if (stored.status === 'needs_reauth')
      throw new GhlNeedsReauthError(resourceId, stored.statusReason ?? 'marked');
    return stored;
  }

  private cacheGrant(tokens: Pick<StoredTokens, 'resourceId' | 'accessToken' | 'version' | 'expiresAt'>) {
    const { resourceId, accessToken, version, expiresAt } = tokens;
    return this.deps.cache.set(
      resourceId,
      { accessToken, version, expiresAt: expiresAt.getTime() },
      this.now(),
    );
  }

  private isFresh(expiresAtMs: number): boolean {
    return expiresAtMs - this.deps.refreshMarginMs > this.now();
  }
}
