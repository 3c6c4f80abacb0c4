import {
  type AttemptRecorded,
  type Db,
  type DeliveryAttempt,
  type DeliveryToSend,
  findDeliveriesToSend,
  recordDeliveryAttempts,
} from '@ghl-bridge/db';
import { batched } from '../batching/group-commit.js';

/** What every delivery attempt reads and writes, shared by the concurrent jobs of one worker. */
export interface DeliveryStore {
  load(id: number): Promise<DeliveryToSend | undefined>;
  record(attempt: DeliveryAttempt): Promise<AttemptRecorded>;
}

/** Each attempt costs two statements; under load the jobs' statements are batched together. */
export function createDeliveryStore(db: Db): DeliveryStore {
  return {
    load: batched(async (ids: number[]) => {
      const found = new Map((await findDeliveriesToSend(db, ids)).map((d) => [d.delivery.id, d]));
      return ids.map((id) => found.get(id));
    }),
    record: batched((attempts: DeliveryAttempt[]) => recordDeliveryAttempts(db, attempts)),
  };
}
