import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, form, responseFields, shapeErrors, startWorld, type World } from './helpers.js';

let w: World;
beforeAll(async () => {
  w = await startWorld({ accessTokenTtlSec: 3600 });
});
afterAll(() => w.sandbox.close());

function creds(extra: Record<string, string>): Record<string, string> {
  return { client_id: w.sandbox.clientId, client_secret: w.sandbox.clientSecret, ...extra };
}

describe('oauth', () => {
  it('redirects the consent page to the redirect URI with a code that exchanges for a Location token pair', async () => {
    const redirect = 'http://127.0.0.1:9/callback';
    const qs = new URLSearchParams({
      response_type: 'code',
      redirect_uri: redirect,
      client_id: w.sandbox.clientId,
      scope: 'calendars.readonly',
    });
    for (const prefix of ['', '/v2']) {
      const res = await fetch(`${w.sandbox.url}${prefix}/oauth/chooselocation?${qs}`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location') ?? '');
      expect(`${location.origin}${location.pathname}`).toBe(redirect);
      const code = location.searchParams.get('code') ?? '';
      const token = await form(
        `${w.sandbox.url}/oauth/token`,
        creds({ grant_type: 'authorization_code', code, user_type: 'Location', redirect_uri: redirect }),
      );
      expect(token.status).toBe(200);
      expect(shapeErrors(token.body, responseFields('oauth-token'))).toEqual([]);
      expect(token.body).toMatchObject({
        token_type: 'Bearer',
        expires_in: 3600,
        userType: 'Location',
        locationId: w.locationId,
      });
      // A code is single-use.
      const again = await form(
        `${w.sandbox.url}/oauth/token`,
        creds({ grant_type: 'authorization_code', code }),
      );
      expect(again.status).toBe(400);
    }
  });

  it('rejects a used refresh token, accepts the rotated one, and counts every refresh call', async () => {
    const before = await w.sandbox.admin.counter('oauth.refresh');
    const { refresh_token: rt1 } = await w.sandbox.admin.mintTokens({ locationId: w.locationId });
    const first = await form(
      `${w.sandbox.url}/oauth/token`,
      creds({ grant_type: 'refresh_token', refresh_token: rt1, user_type: 'Location' }),
    );
    expect(first.status).toBe(200);
    const body = first.body as { access_token: string; refresh_token: string };
    expect(body.refresh_token).not.toBe(rt1);

    const reuse = await form(
      `${w.sandbox.url}/oauth/token`,
      creds({ grant_type: 'refresh_token', refresh_token: rt1, user_type: 'Location' }),
    );
    expect(reuse.status).toBe(400);
    expect(reuse.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });

    const next = await form(
      `${w.sandbox.url}/oauth/token`,
      creds({ grant_type: 'refresh_token', refresh_token: body.refresh_token, user_type: 'Location' }),
    );
    expect(next.status).toBe(200);
    const cal = await api(w, 'GET', `/calendars/${w.calendarId}`, {
      token: (next.body as { access_token: string }).access_token,
    });
    expect(cal.status).toBe(200);
    expect(await w.sandbox.admin.counter('oauth.refresh')).toBe(before + 3);
  });

  it('rejects a wrong client secret with 401 and a missing grant_type with 422 message[]', async () => {
    const bad = await form(`${w.sandbox.url}/oauth/token`, {
      client_id: w.sandbox.clientId,
      client_secret: 'nope',
      grant_type: 'refresh_token',
      refresh_token: w.refreshToken,
    });
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    const missing = await form(`${w.sandbox.url}/oauth/token`, {
      client_id: w.sandbox.clientId,
      client_secret: w.sandbox.clientSecret,
    });
    expect(missing.status).toBe(422);
    expect(missing.body).toMatchObject({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: [expect.stringContaining('grant_type')],
    });
  });

  it('mints a location token from an agency token via /oauth/locationToken', async () => {
    const agency = await w.sandbox.admin.mintTokens({ companyId: w.companyId });
    const res = await form(
      `${w.sandbox.url}/oauth/locationToken`,
      { companyId: w.companyId, locationId: w.locationId },
      { authorization: `Bearer ${agency.access_token}`, version: '2021-07-28' },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      token_type: 'Bearer',
      locationId: w.locationId,
      access_token: expect.any(String),
      expires_in: 3600,
    });
    const agencyOnCalendars = await api(w, 'GET', `/calendars/${w.calendarId}`, {
      token: agency.access_token,
    });
    expect(agencyOnCalendars.status).toBe(401);
  });
});

describe('auth on API paths', () => {
  it('answers 401 with GHL body for missing, unknown and expired bearer tokens', async () => {
    const expected = {
      statusCode: 401,
      message: 'Invalid token: access token is invalid',
      error: 'Unauthorized',
    };
    expect((await api(w, 'GET', `/calendars/${w.calendarId}`, { token: null })).body).toEqual(expected);
    expect((await api(w, 'GET', `/calendars/${w.calendarId}`, { token: 'garbage' })).body).toEqual(expected);
    const { access_token } = await w.sandbox.admin.mintTokens({ locationId: w.locationId });
    expect((await api(w, 'GET', `/calendars/${w.calendarId}`, { token: access_token })).status).toBe(200);
    await w.sandbox.admin.advanceClock(3600 * 1000);
    const expired = await api(w, 'GET', `/calendars/${w.calendarId}`, { token: access_token });
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual(expected);
  });

  it('expires tokens on demand through the admin API', async () => {
    const { access_token } = await w.sandbox.admin.mintTokens({ locationId: w.locationId });
    expect(await w.sandbox.admin.expireTokens([access_token])).toEqual({ expired: 1 });
    expect((await api(w, 'GET', `/calendars/${w.calendarId}`, { token: access_token })).status).toBe(401);
  });

  it('requires a Version header on API paths but accepts any value, such as the SDK default 2023-02-21', async () => {
    const { access_token } = await w.sandbox.admin.mintTokens({ locationId: w.locationId });
    const none = await api(w, 'GET', `/calendars/${w.calendarId}`, { version: null, token: access_token });
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ statusCode: 400, message: expect.stringMatching(/version/i) });
    expect(
      (await api(w, 'GET', `/calendars/${w.calendarId}`, { version: '2023-02-21', token: access_token }))
        .status,
    ).toBe(200);
  });

  it('answers unknown routes with a 404 JSON body', async () => {
    const res = await api(w, 'GET', '/nope/nothing');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });
});
