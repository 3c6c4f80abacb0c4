import { changeJson, encodeFeedCursor, readChanges, sequenceChanges, toChangeJson } from '@ghl-bridge/citas';
import { citaChangeKind, getLocationSettingsMany } from '@ghl-bridge/db';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../../http/errors.js';
import { parseWith } from '../../http/parse-with.js';
import { requireLocation, staffKey } from '../../staff/api-key-auth.js';
import { errorJson } from '../../staff/cita-json.js';
import type { StaffDeps } from '../../staff/cita-writes.js';
import { identifier } from '../../staff/fields.js';

const kinds = z
  .string()
  .max(500)
  .transform((v) => v.split(',').map((s) => s.trim()))
  .pipe(z.array(z.enum(citaChangeKind.enumValues)).min(1));

/** `GET /api/ghl/changes`: every change to the key's citas, in commit order, from a cursor on. */
export const listChangesSchemas = {
  querystring: z
    .object({
      // The last cursor seen; from the beginning when left out.
      after: z.string().max(100).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      location_id: identifier.optional(),
      // One kind or a comma-separated list, e.g. `cita.created,cita.cancelled`.
      kinds: kinds.optional(),
    })
    .strict(),
  response: {
    200: z.object({
      changes: z.array(changeJson),
      // Always set: pass it as `after` next time, even when `changes` is empty.
      next_cursor: z.string(),
    }),
    400: errorJson,
    401: errorJson,
    403: errorJson,
  },
};

/**
 * The change feed. A consumer that always passes the last `next_cursor` sees every committed
 * change once, in commit order per cita: positions are given only to committed changes, in
 * turn (see sequenceChanges), so none can appear behind a cursor already handed out.
 */
export function changesRoute(app: FastifyInstance, deps: StaffDeps): void {
  app.get('/api/ghl/changes', async (request) => {
    const query = parseWith(listChangesSchemas.querystring, request.query, 'query');
    if (query.location_id) requireLocation(request, query.location_id);
    const after = query.after === undefined ? 0 : decodeFeedCursor(query.after);
    // Position what has committed since the last sequencer run (the worker runs one too);
    // skipped when another is at it: it positions the same changes.
    await sequenceChanges(deps.db, { wait: false });
    const page = await readChanges(deps.db, {
      after,
      limit: query.limit,
      locationIds: query.location_id ? [query.location_id] : staffKey(request).locationIds,
      kinds: query.kinds,
    });
    if (after > page.head) throw invalidCursor();
    const settings = await getLocationSettingsMany(
      deps.db,
      page.changes.map((c) => c.locationId),
    );
    return {
      changes: page.changes.map((change) =>
        toChangeJson(change, settings.get(change.locationId) ?? { timeZone: 'UTC' }),
      ),
      next_cursor: encodeFeedCursor(page.nextPosition),
    };
  });
}

const CURSOR = /^c1_(\d{1,15})$/;

/** The position in a cursor `encodeFeedCursor` (packages/citas) made; anything else is a 400. */
export function decodeFeedCursor(cursor: string): number {
  const match = CURSOR.exec(cursor);
  if (!match) throw invalidCursor();
  return Number(match[1]);
}

function invalidCursor(): ApiError {
  return new ApiError(400, 'invalid_cursor', 'after is not a cursor this feed gave out', {
    details: [{ path: 'after', message: 'unknown cursor' }],
  });
}
