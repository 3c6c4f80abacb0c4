import { describe, expect, it } from 'vitest';
import { checkWebhookSource } from '../src/webhooks/check-webhook-source.js';

const workflow = {
  kind: 'workflow',
  locationId: 'loc-a',
  secretId: '4b7f9f3e-5c61-4a8e-9d1e-0a1b2c3d4e5f',
} as const;

describe('checkWebhookSource', () => {
  it("lets GHL's signed app webhooks drive anything, INSTALL included", () => {
    expect(checkWebhookSource({ kind: 'app' }, { type: 'UNINSTALL', locationId: 'loc-b' })).toEqual({
      ok: true,
    });
    expect(checkWebhookSource(undefined, { type: 'INSTALL' })).toEqual({ ok: true });
  });

  it("lets a workflow drive appointment and contact events of its secret's location", () => {
    for (const type of ['AppointmentCreate', 'AppointmentDelete', 'ContactUpdate', 'ContactDndUpdate'])
      expect(checkWebhookSource(workflow, { type, locationId: 'loc-a' })).toEqual({ ok: true });
  });

  it('refuses a workflow event for another location, or with no location', () => {
    expect(checkWebhookSource(workflow, { type: 'AppointmentDelete', locationId: 'loc-b' })).toMatchObject({
      ok: false,
    });
    expect(checkWebhookSource(workflow, { type: 'AppointmentDelete' })).toMatchObject({ ok: false });
  });

  it('refuses INSTALL, UNINSTALL and any other type from a workflow', () => {
    for (const type of ['INSTALL', 'UNINSTALL', 'OpportunityCreate', undefined, 42])
      expect(checkWebhookSource(workflow, { type, locationId: 'loc-a' })).toMatchObject({ ok: false });
  });
});
