import { DEFAULT_LOCATION_SETTINGS, type LocationSettings } from '@ghl-bridge/db';
import { describe, expect, it } from 'vitest';
import { checkBookingRules } from '../src/staff/booking-rules.js';

const settings: LocationSettings = { ...DEFAULT_LOCATION_SETTINGS, locationId: 'loc', isDefault: true };
const now = Date.parse('2030-03-01T00:00:00Z');
const check = (start: string, end: string, overrides: Partial<LocationSettings> = {}) =>
  checkBookingRules({
    startAt: new Date(start),
    endAt: new Date(end),
    settings: { ...settings, ...overrides },
    now,
  })?.error;

describe('checkBookingRules', () => {
  it('accepts a slot inside business hours in the location zone', () => {
    expect(check('2030-03-04T08:00:00-05:00', '2030-03-04T08:30:00-05:00')).toBeUndefined();
    expect(check('2030-03-04T19:30:00-05:00', '2030-03-04T20:00:00-05:00')).toBeUndefined();
  });

  it('refuses start not before end', () => {
    expect(check('2030-03-04T09:00:00-05:00', '2030-03-04T09:00:00-05:00')).toBe('invalid_time_range');
  });

  it('refuses slots outside hours, on closed days, and across midnight', () => {
    expect(check('2030-03-04T07:45:00-05:00', '2030-03-04T08:15:00-05:00')).toBe('outside_business_hours');
    expect(check('2030-03-04T19:45:00-05:00', '2030-03-04T20:15:00-05:00')).toBe('outside_business_hours');
    expect(check('2030-03-03T09:00:00-05:00', '2030-03-03T09:30:00-05:00')).toBe('outside_business_hours');
    const allDay = { businessHours: { mon: [{ start: '00:00', end: '24:00' }] } };
    expect(check('2030-03-04T23:30:00-05:00', '2030-03-05T00:00:00-05:00', allDay)).toBeUndefined();
    expect(check('2030-03-04T23:30:00-05:00', '2030-03-05T00:30:00-05:00', allDay)).toBe(
      'outside_business_hours',
    );
  });

  it('judges hours in the zone, not in UTC', () => {
    // 14:00 UTC is 09:00 in Lima (open) but 23:00 in Tokyo (closed).
    expect(check('2030-03-04T14:00:00Z', '2030-03-04T14:30:00Z')).toBeUndefined();
    expect(check('2030-03-04T14:00:00Z', '2030-03-04T14:30:00Z', { timeZone: 'Asia/Tokyo' })).toBe(
      'outside_business_hours',
    );
  });

  it('enforces minimum notice and refuses the past', () => {
    expect(check('2029-03-04T09:00:00-05:00', '2029-03-04T09:30:00-05:00')).toBe('insufficient_notice');
    const inTwoHours = { minNoticeMinutes: 24 * 60 };
    expect(check('2030-03-01T09:00:00-05:00', '2030-03-01T09:30:00-05:00', inTwoHours)).toBe(
      'insufficient_notice',
    );
    expect(check('2030-03-02T09:00:00-05:00', '2030-03-02T09:30:00-05:00', inTwoHours)).toBeUndefined();
  });
});
