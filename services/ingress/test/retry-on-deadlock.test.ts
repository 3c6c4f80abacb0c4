import { describe, expect, it } from 'vitest';
import { retryOnDeadlock } from '../src/staff/cita-writes.js';

const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });

describe('retryOnDeadlock', () => {
  it('runs a transaction Postgres aborted as a deadlock again, up to three times', async () => {
    let runs = 0;
    const result = await retryOnDeadlock(async () => {
      runs++;
      if (runs < 3) throw deadlock();
      return 'written';
    });
    expect(result).toBe('written');
    expect(runs).toBe(3);
    await expect(retryOnDeadlock(async () => Promise.reject(deadlock()))).rejects.toThrow(
      'deadlock detected',
    );
  });

  it('finds the code through drizzle’s wrapper, and lets every other error through at once', async () => {
    let runs = 0;
    const wrapped = Object.assign(new Error('Failed query'), { cause: deadlock() });
    await expect(
      retryOnDeadlock(async () => {
        runs++;
        if (runs === 1) throw wrapped;
        throw Object.assign(new Error('conflicting key value'), { code: '23P01' });
      }),
    ).rejects.toThrow('conflicting key value');
    expect(runs).toBe(2);
  });
});
