import {
  citaStatus,
  citaSyncStatus,
  getLocationSettingsMany,
  isStorableInstant,
  listCitas,
} from '@ghl-bridge/db';
import { z } from 'zod';
import { SECURITY } from '../../docs/openapi.js';
import { ApiError, errorResponses } from '../../http/errors.js';
import type { ZodApp } from '../../http/zod-app.js';
import { requireLocation, staffKey } from '../../staff/api-key-auth.js';
import { citaJson, toCitaJson } from '../../staff/cita-json.js';
import type { StaffDeps } from '../../staff/cita-writes.js';
import { identifier, isoWithOffset } from '../../staff/fields.js';

const csvOf = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .max(500)
    .transform((v) => v.split(',').map((s) => s.trim()))
    .pipe(z.array(z.enum(values)).min(1));
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const listCitasQuery = z
  .object({
    location_id: identifier.optional(),
    calendar_id: identifier.optional(),
    external_id: identifier.optional().describe("RV3's own id, to find the cita of one of its records"),
    status: csvOf(citaStatus.enumValues)
      .optional()
      .describe('One status or a comma-separated list, e.g. `new,confirmed`'),
    sync_status: csvOf(citaSyncStatus.enumValues).optional(),
    conflict: flag
      .optional()
      .describe('`true`: only citas in conflict with another (bookings GHL accepted that overlap)'),
    from: isoWithOffset.optional().describe('Citas starting at or after this instant'),
    to: isoWithOffset.optional().describe('Citas starting before this instant'),
    updated_since: isoWithOffset
      .optional()
      .describe('Citas changed at or after this instant (deleted ones too, with `include_deleted`)'),
    include_deleted: flag.optional().describe('Citas deleted in GHL are left out unless this is `true`'),
    cursor: z.string().max(200).optional().describe('`next_cursor` of the page before'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

const citaPage = z
  .object({
    results: z.array(citaJson),
    next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last one'),
  })
  .meta({ id: 'CitaPage' });

/** `GET /api/ghl/citas/`: citas by start time, in pages; only the key's locations. */
export function listCitasRoute(app: ZodApp, deps: StaffDeps): void {
  app.get(
    '/api/ghl/citas/',
    {
      schema: {
        operationId: 'listCitas',
        summary: 'List citas by start time, in pages',
        tags: ['Citas'],
        security: SECURITY.staff,
        querystring: listCitasQuery,
        response: { 200: citaPage, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { query } = request;
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
    },
  );
}

/** Opaque to clients: the (start, id) of the last row seen. */
function encodeCursor(startAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([startAt.toISOString(), id])).toString('base64url');
}

// A cursor is decoded from client text: its instant must be one PostgreSQL can compare with.
const cursorShape = z.tuple([z.iso.datetime().refine((v) => isStorableInstant(Date.parse(v))), z.uuid()]);

function decodeCursor(cursor: string): { startAt: Date; id: string } {
  try {
    const [start, id] = cursorShape.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { startAt: new Date(start), id };
  } catch {
    throw new ApiError(400, 'validation_failed', 'cursor is not one this API gave out', {
      details: [{ path: 'cursor', message: 'invalid' }],
    });
  }
}
