import {
  changeJson as changeShape,
  encodeFeedCursor,
  feedStart,
  readChanges,
  sequenceChanges,
  toChangeJson,
} from '@ghl-bridge/citas';
import { citaChangeKind, getLocationSettingsMany } from '@ghl-bridge/db';
import { z } from 'zod';
import { SECURITY } from '../../docs/openapi.js';
import { ApiError, errorResponses } from '../../http/errors.js';
import type { ZodApp } from '../../http/zod-app.js';
import { requireLocation, staffKey } from '../../staff/api-key-auth.js';
import { citaJson } from '../../staff/cita-json.js';
import type { StaffDeps } from '../../staff/cita-writes.js';
import { identifier } from '../../staff/fields.js';

const kinds = z
  .string()
  .max(500)
  .transform((v) => v.split(',').map((s) => s.trim()))
  .pipe(z.array(z.enum(citaChangeKind.enumValues)).min(1));

// The shape lives with the change log (RV3's webhooks send it too); named here for the document.
const changeJson = changeShape
  .extend({ cita: citaJson })
  .meta({ id: 'Change', description: 'A change to a cita, with the cita as it then was' });

/** `GET /api/ghl/changes`: every change to the key's citas, in commit order, from a cursor on. */
const listChangesSchema = {
  operationId: 'listChanges',
  summary: "Every change to the key's citas, in commit order, from a cursor on",
  tags: ['Changes'],
  security: SECURITY.staff,
  querystring: z
    .object({
      after: z
        .string()
        .max(100)
        .optional()
        .describe('The last cursor seen; from the beginning when left out'),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      location_id: identifier.optional(),
      kinds: kinds
        .optional()
        .describe('One kind or a comma-separated list, e.g. `cita.created,cita.cancelled`'),
    })
    .strict(),
  response: {
    200: z
      .object({
        changes: z.array(changeJson),
        next_cursor: z
          .string()
          .describe('Always set: pass it as `after` next time, even when `changes` is empty'),
      })
      .meta({ id: 'ChangePage' }),
    ...errorResponses(400, 401, 403, 410),
  },
};

/**
 * The change feed. A consumer that always passes the last `next_cursor` sees every committed
 * change once, in commit order per cita: positions are given only to committed changes, in
 * turn (see sequenceChanges), so none can appear behind a cursor already handed out.
 */
export function changesRoute(app: ZodApp, deps: StaffDeps): void {
  app.get('/api/ghl/changes', { schema: listChangesSchema }, async (request) => {
    const { query } = request;
    if (query.location_id) requireLocation(request, query.location_id);
    // Position what has committed since the last sequencer run (the worker runs one too);
    // skipped when another is at it: it positions the same changes.
    await sequenceChanges(deps.db, { wait: false });
    // No cursor: from the oldest change still kept.
    const after = query.after === undefined ? await feedStart(deps.db) : decodeFeedCursor(query.after);
    const page = await readChanges(deps.db, {
      after,
      limit: query.limit,
      locationIds: query.location_id ? [query.location_id] : staffKey(request).locationIds,
      kinds: query.kinds,
    });
    if (after > page.head) throw invalidCursor();
    if (page.expired)
      throw new ApiError(
        410,
        'cursor_expired',
        'Changes after this cursor were deleted (CHANGES_RETENTION_DAYS). Resync with GET /api/ghl/citas/?updated_since=…&include_deleted=true, then read on from the cursor given here',
        { next_cursor: encodeFeedCursor(page.nextPosition) },
      );
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

function decodeFeedCursor(cursor: string): number {
  const match = CURSOR.exec(cursor);
  if (!match) throw invalidCursor();
  return Number(match[1]);
}

function invalidCursor(): ApiError {
  return new ApiError(400, 'invalid_cursor', 'after is not a cursor this feed gave out', {
    details: [{ path: 'after', message: 'unknown cursor' }],
  });
}
