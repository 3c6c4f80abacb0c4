import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, form, responseFields, shapeErrors, startWorld, type World } from './helpers.js';

// Installs as GHL does them: an agency admin's (bulk) install yields a Company token, its
// locations are listed with /oauth/installedLocations and get their own tokens from
// /oauth/locationToken; every token carries the scopes asked for at install.

let w: World;
const redirect = 'http://127.0.0.1:9/callback';
beforeAll(async () => {
  w = await startWorld({ accessTokenTtlSec: 3600 });
  await w.sandbox.admin.seed({
    locations: [
      { id: 'location-2', companyId: 'company-1', name: 'Sede Norte' },
      { id: 'location-3', companyId: 'company-1', name: 'Sede Sur' },
      { id: 'elsewhere-1', companyId: 'company-9', name: 'Another agency' },
    ],
  });
});
afterAll(() => w.sandbox.close());

const ALL_SCOPES =
  'calendars.readonly calendars/events.readonly calendars/events.write contacts.readonly contacts.write oauth.readonly oauth.write';

async function exchange(code: string) {
  return form(`${w.sandbox.url}/oauth/token`, {
    client_id: w.sandbox.clientId,
    client_secret: w.sandbox.clientSecret,
    grant_type: 'authorization_code',
    code,
  });
}

async function consent(params: Record<string, string>) {
  const qs = new URLSearchParams({
    response_type: 'code',
    redirect_uri: redirect,
    client_id: w.sandbox.clientId,
    ...params,
  });
  const res = await fetch(`${w.sandbox.url}/v2/oauth/chooselocation?${qs}`, { redirect: 'manual' });
  return new URL(res.headers.get('location') ?? '');
}

describe('agency installs', () => {
  it("answers an agency admin's install with a Company token and GHL's token response fields", async () => {
    const installsBefore = await w.sandbox.admin.counter('webhook.INSTALL');
    const back = await consent({
      user_type: 'Company',
      locationIds: 'location-2,location-3',
      scope: ALL_SCOPES,
    });
    const token = await exchange(back.searchParams.get('code') ?? '');
    expect(token.status).toBe(200);
    expect(shapeErrors(token.body, responseFields('oauth-token'))).toEqual([]);
    expect(token.body).toMatchObject({
      userType: 'Company',
      companyId: 'company-1',
      approvedLocations: expect.arrayContaining(['location-2', 'location-3']),
      isBulkInstallation: true,
      installToFutureLocations: false,
      userId: expect.any(String),
      planId: expect.any(String),
      scope: ALL_SCOPES,
    });
    expect(token.body).not.toHaveProperty('locationId');
    // One INSTALL for the company and one per approved location.
    expect(await w.sandbox.admin.counter('webhook.INSTALL')).toBe(installsBefore + 3);
  });

  it('lists installed locations by page for a Company token with oauth.readonly, and mints their tokens', async () => {
    const back = await consent({
      user_type: 'Company',
      locationIds: 'location-2,location-3',
      scope: ALL_SCOPES,
    });
    const company = (await exchange(back.searchParams.get('code') ?? '')).body as { access_token: string };
    const page = (skip: number) =>
      api(
        w,
        'GET',
        `/oauth/installedLocations?companyId=company-1&appId=${w.sandbox.state.options.appId}&isInstalled=true&limit=2&skip=${skip}`,
        {
          token: company.access_token,
          version: '2021-07-28',
        },
      );
    const first = await page(0);
    expect(first.status).toBe(200);
    expect(shapeErrors(first.body, responseFields('installed-locations'))).toEqual([]);
    const second = await page(2);
    const ids = [first, second].flatMap((p) =>
      (p.body as { locations: { _id: string }[] }).locations.map((l) => l._id),
    );
    expect(ids.sort()).toEqual(['location-1', 'location-2', 'location-3']);
    expect((first.body as { count: number }).count).toBe(3);

    const minted = await form(
      `${w.sandbox.url}/oauth/locationToken`,
      { companyId: 'company-1', locationId: 'location-2' },
      { authorization: `Bearer ${company.access_token}`, version: '2021-07-28' },
    );
    expect(minted.status).toBe(200);
    expect(shapeErrors(minted.body, responseFields('location-token'))).toEqual([]);
    const locationToken = (minted.body as { access_token: string }).access_token;
    const calendars = await api(w, 'GET', '/calendars/?locationId=location-2', { token: locationToken });
    expect(calendars.status).toBe(200);
  });

  it('refuses /oauth/locationToken for a location of another company or where the app is not installed', async () => {
    const company = await w.sandbox.admin.mintTokens({ companyId: 'company-1' });
    for (const locationId of ['elsewhere-1', 'no-such-location']) {
      const res = await form(
        `${w.sandbox.url}/oauth/locationToken`,
        { companyId: 'company-1', locationId },
        { authorization: `Bearer ${company.access_token}`, version: '2021-07-28' },
      );
      expect(res.status).toBe(400);
    }
  });
});

describe('scopes, as GHL enforces them', () => {
  it('a token without the endpoint\'s scope gets 401 "not authorized for this scope"', async () => {
    const back = await consent({ locationId: 'location-1', scope: 'calendars.readonly' });
    const token = ((await exchange(back.searchParams.get('code') ?? '')).body as { access_token: string })
      .access_token;
    expect((await api(w, 'GET', `/calendars/${w.calendarId}`, { token })).status).toBe(200);
    const events = await api(
      w,
      'GET',
      `/calendars/events?locationId=location-1&calendarId=${w.calendarId}&startTime=0&endTime=1`,
      {
        token,
      },
    );
    expect(events.status).toBe(401);
    expect(events.body).toEqual({
      statusCode: 401,
      message: 'The token is not authorized for this scope.',
      error: 'Unauthorized',
    });
  });

  it('a Company token without oauth.readonly / oauth.write cannot list or mint', async () => {
    const back = await consent({ user_type: 'Company', scope: 'calendars.readonly' });
    const company = ((await exchange(back.searchParams.get('code') ?? '')).body as { access_token: string })
      .access_token;
    const list = await api(
      w,
      'GET',
      `/oauth/installedLocations?companyId=company-1&appId=${w.sandbox.state.options.appId}`,
      {
        token: company,
        version: '2021-07-28',
      },
    );
    expect(list.status).toBe(401);
    const mint = await form(
      `${w.sandbox.url}/oauth/locationToken`,
      { companyId: 'company-1', locationId: 'location-1' },
      { authorization: `Bearer ${company}`, version: '2021-07-28' },
    );
    expect(mint.status).toBe(401);
  });
});

describe('marketplace-started installs', () => {
  it('send the installer to the redirect URI with a code and no state', async () => {
    const { redirectUrl } = await w.sandbox.admin.marketplaceInstall({
      redirectUri: redirect,
      locationId: 'location-3',
    });
    const url = new URL(redirectUrl);
    expect(`${url.origin}${url.pathname}`).toBe(redirect);
    expect([...url.searchParams.keys()]).toEqual(['code']);
    const token = await exchange(url.searchParams.get('code') ?? '');
    expect(token.body).toMatchObject({ userType: 'Location', locationId: 'location-3' });
  });
});
