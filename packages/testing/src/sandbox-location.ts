import type { RunningSandbox } from '@ghl-bridge/ghl-sandbox';

export interface SandboxLocation {
  locationId: string;
  companyId: string;
  calendarId: string;
  tokens: { access_token: string; refresh_token: string; expires_in: number };
  /** The minted pair as an install stores it (what TokenStore.save takes). */
  install: {
    resourceId: string;
    userType: 'Location';
    companyId: string | null;
    accessToken: string;
    refreshToken: string;
    expiresAt: Date;
  };
}

const ALWAYS_OPEN = [
  {
    daysOfTheWeek: [0, 1, 2, 3, 4, 5, 6],
    hours: [{ openHour: 0, openMinute: 0, closeHour: 23, closeMinute: 59 }],
  },
];

/**
 * A GHL location in the sandbox with one calendar and freshly minted tokens: what most
 * GHL-facing tests start from. The calendar is open around the clock unless told otherwise.
 */
export async function sandboxLocation(
  sandbox: RunningSandbox,
  options: { timezone?: string; calendarName?: string; description?: string; withCompany?: boolean } = {},
): Promise<SandboxLocation> {
  const seeded = await sandbox.admin.seed({
    locations: [{ mintTokens: true, timezone: options.timezone ?? 'America/Lima' }],
  });
  const location = seeded.locations[0];
  if (!location?.tokens) throw new Error('the sandbox minted no tokens');
  const { calendars } = await sandbox.admin.seed({
    calendars: [
      {
        locationId: location.id,
        name: options.calendarName ?? 'Consultorio 1',
        ...(options.description ? { description: options.description } : {}),
        openHours: ALWAYS_OPEN,
      },
    ],
  });
  const tokens = location.tokens;
  return {
    locationId: location.id,
    companyId: location.companyId,
    calendarId: calendars[0] ?? '',
    tokens,
    install: {
      resourceId: location.id,
      userType: 'Location',
      companyId: options.withCompany ? location.companyId : null,
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      expiresAt: new Date(Date.now() + tokens.expires_in * 1000),
    },
  };
}
