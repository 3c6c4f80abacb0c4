import type { OAuthApi } from './oauth-api.js';
import type { AccessTokenCache } from './tokens/access-token-cache.js';
import type { TokenStore } from './tokens/token-store.js';

/** The install flow's pieces: called by the OAuth callback route and the INSTALL/UNINSTALL webhooks. */
export class GhlInstalls {
  constructor(
    private readonly oauth: OAuthApi,
    private readonly store: TokenStore,
    private readonly cache: AccessTokenCache,
    private readonly now: () => number = Date.now,
  ) {}

  /** Exchanges an authorisation code and stores the tokens; returns the location or company id. */
  async installFromCode(
    code: string,
    userType: 'Location' | 'Company',
    redirectUri?: string,
  ): Promise<string> {
    const response = await this.oauth.exchangeCode(code, userType, redirectUri);
    const resourceId = userType === 'Location' ? response.locationId : response.companyId;
    if (!resourceId)
      throw new Error(`GHL's token answer names no ${userType === 'Location' ? 'locationId' : 'companyId'}`);
    await this.store.save({
      resourceId,
      userType,
      companyId: response.companyId,
      accessToken: response.access_token,
      refreshToken: response.refresh_token,
      expiresAt: new Date(this.now() + response.expires_in * 1000),
      scopes: response.scope,
    });
    await this.cache.drop(resourceId);
    return resourceId;
  }

  /**
   * First start with GHL_ACCESS_TOKEN / GHL_REFRESH_TOKEN / GHL_LOCATION_ID: stored only when
   * nothing is stored yet, so a restart never puts back a refresh token GHL has since rotated.
   */
  async bootstrap(tokens: {
    locationId: string;
    accessToken: string;
    refreshToken?: string | undefined;
  }): Promise<boolean> {
    return this.store.saveIfAbsent({
      resourceId: tokens.locationId,
      userType: 'Location',
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      // The access token's age is unknown: treat it as short-lived; a 401 refreshes it anyway.
      expiresAt: new Date(this.now() + 3600_000),
    });
  }

  async uninstall(resourceId: string): Promise<void> {
    await this.store.delete(resourceId);
    await this.cache.drop(resourceId);
  }
}
