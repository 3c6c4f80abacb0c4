import {
  citaStatus,
  citaSyncStatus,
  getLocationSettingsMany,
  isStorableInstant,
  listCitas,
} from '@ghl-bridge/db';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../../http/errors.js';
import { parseWith } from '../../http/parse-with.js';
import { requireLocation, staffKey } from '../../staff/api-key-auth.js';
import { citaJson, errorJson, toCitaJson } from '../../staff/cita-json.js';
import type { StaffDeps } from '../../staff/cita-writes.js';
import { identifier, isoWithOffset } from '../../staff/fields.js';

const csvOf = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .max(500)
    .transform((v) => v.split(',').map((s) => s.trim()))
    .pipe(z.array(z.enum(values)).min(1));
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** `GET /api/ghl/citas/`: citas by start time, in pages; only the key's locations. */
export const listCitasSchemas = {
  querystring: z
    .object({
      location_id: identifier.optional(),
      calendar_id: identifier.optional(),
      // RV3's own id, to find the cita of one of its records.
      external_id: identifier.optional(),
      // One status or a comma-separated list, e.g. `new,confirmed`.
      status: csvOf(citaStatus.enumValues).optional(),
      sync_status: csvOf(citaSyncStatus.enumValues).optional(),
      // `true`: only citas in conflict with another (bookings GHL accepted that overlap).
      conflict: flag.optional(),
      // Citas starting at or after `from` and before `to`.
      from: isoWithOffset.optional(),
      to: isoWithOffset.optional(),
      // Citas changed at or after this instant (deleted ones too, with `include_deleted`).
      updated_since: isoWithOffset.optional(),
      // Citas deleted in GHL are left out unless this is `true`.
      include_deleted: flag.optional(),
      cursor: z.string().max(200).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    })
    .strict(),
  response: {
    200: z.object({
      results: z.array(citaJson),
      // Pass as `cursor` for the next page; null on the last one.
      next_cursor: z.string().nullable(),
    }),
    400: errorJson,
    401: errorJson,
    403: errorJson,
  },
};

export function listCitasRoute(app: FastifyInstance, deps: StaffDeps): void {
  app.get('/api/ghl/citas', async (request) => {
    const query = parseWith(listCitasSchemas.querystring, request.query, 'query');
    if (query.location_id) requireLocation(request, query.location_id);
    const rows = await listCitas(deps.db, {
      locationIds: query.location_id ? [query.location_id] : staffKey(request).locationIds,
      calendarId: query.calendar_id,
      externalId: query.external_id,
      statuses: query.status,
      syncStatuses: query.sync_status,
      conflict: query.conflict,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      updatedSince: query.updated_since ? new Date(query.updated_since) : undefined,
      includeDeleted: query.include_deleted ?? false,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      // One extra row tells whether another page exists.
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const settings = await getLocationSettingsMany(
      deps.db,
      page.map((c) => c.locationId),
    );
    const last = page.at(-1);
    return {
      results: page.map((cita) => toCitaJson(cita, settings.get(cita.locationId) ?? { timeZone: 'UTC' })),
      next_cursor: rows.length > query.limit && last ? encodeCursor(last.startAt, last.id) : null,
    };
  });
}

/** Opaque to clients: the (start, id) of the last row seen. */
export function encodeCursor(startAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([startAt.toISOString(), id])).toString('base64url');
}

// A cursor is decoded from client text: its instant must be one PostgreSQL can compare with.
const cursorShape = z.tuple([z.iso.datetime().refine((v) => isStorableInstant(Date.parse(v))), z.uuid()]);

export function decodeCursor(cursor: string): { startAt: Date; id: string } {
  try {
    const [start, id] = cursorShape.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { startAt: new Date(start), id };
  } catch {
    throw new ApiError(400, 'validation_failed', 'cursor is not one this API gave out', {
      details: [{ path: 'cursor', message: 'invalid' }],
    });
  }
}
