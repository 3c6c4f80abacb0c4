import { type CitaChange, citaChangeKind, citaChangeOrigin, citaFromRow } from '@ghl-bridge/db';
import { z } from 'zod';
import { citaJson, toCitaJson } from './cita-json.js';

/** One change as the feed (`GET /api/ghl/changes`) and RV3's webhooks (`data`) show it. */
export const changeJson = z.object({
  cursor: z.string().describe('Pass as `after` to read on from this change'),
  position: z
    .number()
    .int()
    .describe(
      "The change's place in the feed. It grows with every change, so of two changes to one cita the higher is the later: apply a change only when its position is above the one you hold (retries, replays and the feed then change nothing twice)",
    ),
  kind: z.enum(citaChangeKind.enumValues),
  origin: z.enum(citaChangeOrigin.enumValues),
  changed: z.array(z.string()).describe('API field names that changed (every field for a new cita)'),
  at: z.string().describe('When the change was written (ISO-8601, UTC)'),
  cita: citaJson,
});
export type ChangeJson = z.infer<typeof changeJson>;

/** Opaque to clients: a version tag and the feed position. */
export function encodeFeedCursor(position: number): string {
  return `c1_${position}`;
}

/** A positioned change, its cita in the location's zone (getLocationSettingsMany gives it). */
export function toChangeJson(change: CitaChange, settings: { timeZone: string }): ChangeJson {
  return {
    cursor: encodeFeedCursor(change.position ?? 0),
    position: change.position ?? 0,
    kind: change.kind,
    origin: change.origin,
    changed: change.changed,
    at: change.at.toISOString(),
    // The snapshot is the row as PostgreSQL's to_jsonb wrote it: column names, like a raw row.
    cita: toCitaJson(citaFromRow(change.cita as Record<string, unknown>), settings),
  };
}
