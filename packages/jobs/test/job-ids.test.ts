import { describe, expect, it } from 'vitest';
import { sha256Hex, webhookJobId } from '../src/index.js';

describe('webhookJobId', () => {
  const hash = sha256Hex('{"type":"AppointmentCreate"}');

  it('keys a delivery by its webhookId so every redelivery maps to the same job', () => {
    expect(webhookJobId('0c6f0a0e-7b8e-4f37-9d7a-1d1f6c2b5e11', hash)).toBe(
      'wh-0c6f0a0e-7b8e-4f37-9d7a-1d1f6c2b5e11',
    );
  });

  it('falls back to the hash of the raw body when there is no webhookId', () => {
    expect(webhookJobId(undefined, hash)).toBe(`body-${hash}`);
  });

  it('never produces an id BullMQ rejects (colons, all digits)', () => {
    for (const id of ['a:b', '12345', 'x'.repeat(500), 'ü']) {
      const jobId = webhookJobId(id, hash);
      expect(jobId).not.toContain(':');
      expect(jobId).not.toMatch(/^\d+$/);
      expect(jobId).toBe(webhookJobId(id, hash));
    }
    expect(webhookJobId('12345', hash)).toBe('wh-12345');
  });
});
