import { GhlPermanentError } from './errors.js';
import type { OAuthApi } from './oauth-api.js';
import type { AccessTokenCache } from './tokens/access-token-cache.js';
import type { TokenStore } from './tokens/token-store.js';

export interface InstalledFromCode {
  /** The location (Location token) or the company (Company token) the tokens were stored for. */
  resourceId: string;
  userType: 'Location' | 'Company';
  companyId?: string | undefined;
  /** The locations the install covers (for a Company token: those the agency approved). */
  approvedLocations: string[];
}

/** The install flow's pieces: called by the OAuth callback route and the INSTALL/UNINSTALL webhooks. */
export class GhlInstalls {
  constructor(
    private readonly oauth: OAuthApi,
    private readonly store: TokenStore,
    private readonly cache: AccessTokenCache,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Exchanges an authorisation code and stores the tokens. Who installed comes from GHL's
   * answer: a Location token is stored for its location; a Company token (an agency admin's
   * install, bulk or not) for its company, with the locations it approved, each of which still
   * needs its own location token.
   */
  async installFromCode(code: string, redirectUri?: string): Promise<InstalledFromCode> {
    const response = await this.oauth.exchangeCode(code, redirectUri);
    const userType = response.userType ?? (response.locationId ? 'Location' : 'Company');
    const resourceId = userType === 'Location' ? response.locationId : response.companyId;
    if (!resourceId)
      throw new GhlPermanentError(
        200,
        `GHL's token answer names no ${userType === 'Location' ? 'locationId' : 'companyId'}`,
      );
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
    return {
      resourceId,
      userType,
      companyId: response.companyId,
      approvedLocations: userType === 'Company' ? (response.approvedLocations ?? []) : [resourceId],
    };
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

  /** After an UNINSTALL committed (the stored tokens are gone): no cached access token either. */
  async forgetCachedToken(resourceId: string): Promise<void> {
    await this.cache.drop(resourceId);
  }
}
