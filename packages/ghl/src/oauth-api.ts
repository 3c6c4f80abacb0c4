import { waitAfter429 } from './budget/rate-budget.js';
import { GhlPermanentError, GhlRateLimitedError, GhlTransientError } from './errors.js';
import { GHL_VERSION, type GhlHttp, type GhlRequest } from './http/ghl-http.js';
import { ghlMessage } from './http/interpret-response.js';
import { type TokenResponse, tokenResponse } from './schemas.js';

/** The wait after a 429 from the OAuth endpoints when GHL names none. */
const OAUTH_RETRY_MS = 10_000;

export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** GHL's OAuth endpoints. Their failures mean "this grant is dead" (4xx) or "try again" (5xx). */
export class OAuthApi {
  constructor(
    private readonly http: GhlHttp,
    private readonly credentials: OAuthClientCredentials | undefined,
  ) {}

  /**
   * Exchanges an installer's code. No `user_type`: who installed decides the token type, and
   * the answer's `userType` says which it is (GHL's redirect carries only the code).
   */
  exchangeCode(code: string, redirectUri?: string): Promise<TokenResponse> {
    return this.token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
  }

  refresh(refreshToken: string, userType: 'Location' | 'Company'): Promise<TokenResponse> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken, user_type: userType });
  }

  /** A location token minted from an agency (Company) token. */
  async locationToken(
    companyAccessToken: string,
    companyId: string,
    locationId: string,
  ): Promise<TokenResponse> {
    return this.send({
      method: 'POST',
      path: 'oauth/locationToken',
      endpoint: 'POST /oauth/locationToken',
      version: GHL_VERSION.oauth,
      bearer: companyAccessToken,
      form: { companyId, locationId },
    });
  }

  private token(form: Record<string, string | undefined>): Promise<TokenResponse> {
    if (!this.credentials)
      throw new GhlPermanentError(400, 'GHL_CLIENT_ID and GHL_CLIENT_SECRET are not configured');
    const { clientId, clientSecret } = this.credentials;
    // /oauth/token declares no Version header (shared/ghl-api.md §1.2).
    return this.send({
      method: 'POST',
      path: 'oauth/token',
      endpoint: 'POST /oauth/token',
      form: { client_id: clientId, client_secret: clientSecret, ...form },
    });
  }

  private async send(request: GhlRequest): Promise<TokenResponse> {
    const response = await this.http(request);
    if (response.status >= 200 && response.status < 300) {
      const parsed = tokenResponse.safeParse(response.body);
      if (parsed.success) return parsed.data;
      throw new GhlPermanentError(response.status, `unexpected token response: ${parsed.error.message}`);
    }
    const { message, traceId } = ghlMessage(response.body);
    // A 429 is a wait, not a failure: the job is delayed without spending an attempt.
    if (response.status === 429) {
      throw new GhlRateLimitedError('oauth', waitAfter429(response.headers, OAUTH_RETRY_MS), 'ghl_429');
    }
    if (response.status >= 500) {
      throw new GhlTransientError(
        `${request.endpoint}: ${response.status} ${message}`,
        response.status,
        traceId,
      );
    }
    throw new GhlPermanentError(response.status, message, traceId);
  }
}
