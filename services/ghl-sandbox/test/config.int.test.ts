import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startSandbox } from '../src/index.js';

describe('standalone configuration', () => {
  it('reads every GHL_SANDBOX_* variable, and rejects bad ones naming each', () => {
    const config = loadConfig({
      PORT: '4999',
      GHL_SANDBOX_RATE_MAX: '20',
      GHL_SANDBOX_RATE_INTERVAL_MS: '1000',
      GHL_SANDBOX_WEBHOOK_URL: 'http://127.0.0.1:3000/api/webhooks/ghl/',
      GHL_SANDBOX_WEBHOOK_DROP_RATE: '0.1',
      GHL_SANDBOX_FAULTS: '[{"route":"*","errorRate":0.3}]',
      GHL_SANDBOX_STATE_FILE: '/var/lib/ghl-sandbox/state.json',
    });
    expect(config.sandbox.stateFile).toBe('/var/lib/ghl-sandbox/state.json');
    expect(loadConfig({}).sandbox.stateFile).toBeUndefined();
    expect(config.port).toBe(4999);
    expect(config.sandbox.rateLimit).toEqual({ max: 20, intervalMs: 1000 });
    expect(config.sandbox.webhook).toMatchObject({
      url: 'http://127.0.0.1:3000/api/webhooks/ghl/',
      dropRate: 0.1,
    });
    expect(config.sandbox.faults).toEqual([{ route: '*', errorRate: 0.3 }]);
    expect(() => loadConfig({ PORT: 'x', GHL_SANDBOX_WEBHOOK_DROP_RATE: '2' })).toThrow(
      /PORT[\s\S]*GHL_SANDBOX_WEBHOOK_DROP_RATE/,
    );
  });

  it('loads the example seed file that npm start uses', async () => {
    const seed = JSON.parse(await readFile(new URL('../seed.example.json', import.meta.url), 'utf8'));
    const sandbox = await startSandbox({ seed });
    try {
      const appointments = await sandbox.admin.appointments();
      expect(appointments).toEqual([]);
      const contacts = await sandbox.admin.contacts();
      expect(contacts.map((c) => c.id)).toContain('contact-1');
      const tokens = await sandbox.admin.mintTokens({ locationId: 'location-1' });
      const response = await fetch(`${sandbox.url}/calendars/calendar-1`, {
        headers: { authorization: `Bearer ${tokens.access_token}`, version: '2021-04-15' },
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { calendar: { name: string } }).calendar.name).toBe('Consultas');
    } finally {
      await sandbox.close();
    }
  });
});
