import { describe, expect, it } from 'vitest';
import { formatInZone, isValidTimeZone, zonedParts } from '../src/staff/zoned-time.js';

describe('formatInZone', () => {
  it('shows a UTC instant in Lima with its fixed -05:00 offset', () => {
    expect(formatInZone(new Date('2030-03-04T14:00:00Z'), 'America/Lima')).toBe('2030-03-04T09:00:00-05:00');
    expect(formatInZone(new Date('2030-01-01T03:30:00Z'), 'America/Lima')).toBe('2029-12-31T22:30:00-05:00');
  });

  it('follows daylight saving time in New York on both sides of the switch', () => {
    expect(formatInZone(new Date('2030-03-10T06:59:59Z'), 'America/New_York')).toBe(
      '2030-03-10T01:59:59-05:00',
    );
    expect(formatInZone(new Date('2030-03-10T07:00:00Z'), 'America/New_York')).toBe(
      '2030-03-10T03:00:00-04:00',
    );
  });

  it('handles UTC, positive and half-hour offsets', () => {
    expect(formatInZone(new Date('2030-06-01T12:00:00Z'), 'UTC')).toBe('2030-06-01T12:00:00+00:00');
    expect(formatInZone(new Date('2030-06-01T12:00:00Z'), 'Asia/Kolkata')).toBe('2030-06-01T17:30:00+05:30');
    expect(formatInZone(new Date('2030-06-01T12:00:00Z'), 'America/St_Johns')).toBe(
      '2030-06-01T09:30:00-02:30',
    );
  });

  it('gives the local weekday', () => {
    // Monday 02:00 UTC is still Sunday evening in Lima.
    expect(zonedParts(new Date('2030-03-04T02:00:00Z'), 'America/Lima').weekday).toBe('sun');
  });

  it('tells IANA zones from anything else', () => {
    expect(isValidTimeZone('America/Lima')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});
