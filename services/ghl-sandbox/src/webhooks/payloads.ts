import { appointmentWebhookDto, contactWebhookDto } from '../domain/serialize.js';
import type { ChangeEvent, Store } from '../domain/store.js';

export interface PayloadContext {
  store: Store;
  appId: string;
  versionId: string;
}

/**
 * The body GHL would send for a change, minus `timestamp` and `webhookId`, which the
 * dispatcher adds per event. Shapes follow /work/shared/ghl-examples/webhooks, with the
 * real `type` for Update/Delete (the published examples say AppointmentCreate by mistake).
 */
export function webhookPayload(event: ChangeEvent, ctx: PayloadContext): Record<string, unknown> {
  switch (event.type) {
    case 'AppointmentCreate':
    case 'AppointmentUpdate':
    case 'AppointmentDelete': {
      const a = event.appointment;
      const tz =
        ctx.store.calendars.get(a.calendarId)?.timezone ??
        ctx.store.locations.get(a.locationId)?.timezone ??
        'UTC';
      return { type: event.type, locationId: a.locationId, appointment: appointmentWebhookDto(a, tz) };
    }
    case 'ContactCreate':
    case 'ContactUpdate':
    case 'ContactDelete':
    case 'ContactTagUpdate':
    case 'ContactDndUpdate':
      return {
        type: event.type,
        locationId: event.contact.locationId,
        ...contactWebhookDto(event.contact, event.type === 'ContactDndUpdate'),
      };
    case 'INSTALL': {
      const company = ctx.store.companies.get(event.companyId);
      return {
        type: 'INSTALL',
        appId: ctx.appId,
        versionId: ctx.versionId,
        installType: event.locationId ? 'Location' : 'Company',
        ...(event.locationId ? { locationId: event.locationId } : {}),
        companyId: event.companyId,
        ...(event.userId ? { userId: event.userId } : {}),
        planId: 'sandbox-plan',
        trial: {},
        ...(event.locationId
          ? {
              isWhitelabelCompany: company?.isWhitelabelCompany ?? false,
              companyName: company?.name ?? 'Sandbox Company',
            }
          : {}),
      };
    }
    case 'UNINSTALL':
      return {
        type: 'UNINSTALL',
        appId: ctx.appId,
        ...(event.locationId ? { locationId: event.locationId } : { companyId: event.companyId }),
      };
  }
}
