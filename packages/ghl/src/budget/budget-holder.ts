import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who a GHL call is made for, across the runs of one queue job. The budget reserves a future slot
 * for a holder it must turn away, and the holder's next run claims it: a delayed job does not
 * queue again behind the jobs that came after it.
 */
export interface BudgetHolder {
  /** Stable across the job's runs: queue name and job id. */
  readonly id: string;
  /** Slots granted in this run, per resource: a run turned away after k calls needs k + 1 next time. */
  readonly granted: Map<string, number>;
}

const holders = new AsyncLocalStorage<BudgetHolder>();

/** Runs one run of a job's GHL work as `id`: every call inside it, however deep, holds its slots. */
export function runAsBudgetHolder<T>(id: string, work: () => Promise<T>): Promise<T> {
  return holders.run({ id, granted: new Map() }, work);
}

export function currentBudgetHolder(): BudgetHolder | undefined {
  return holders.getStore();
}
