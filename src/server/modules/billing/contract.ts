import { z } from '@hono/zod-openapi';
import { ZPageQuery, pageOf } from '../../platform/pagination.ts';
import { PROVIDERS } from './signatures.ts';

export const ZBillingProvider = z.enum(PROVIDERS).openapi('BillingProvider');
export const ENDPOINT_STATUSES = ['active', 'disabled'] as const;
export const ZBillingEndpointStatus = z.enum(ENDPOINT_STATUSES).openapi('BillingEndpointStatus');
export const EVENT_STATUSES = ['applied', 'ignored', 'unattributed', 'failed'] as const;
export const ZBillingEventStatus = z.enum(EVENT_STATUSES).openapi('BillingEventStatus');

const ZSecret = z
  .string()
  .trim()
  .min(8, 'must be at least 8 characters')
  .max(200, 'must be at most 200 characters')
  .regex(/^\S+$/, 'must not contain spaces');

export const ZBillingSetupWarning = z
  .object({
    code: z.enum(['lemonsqueezy_subscription_events_missing', 'stripe_invoice_payment_events_missing']),
    message: z.string(),
  })
  .openapi('BillingSetupWarning');
export type BillingSetupWarning = z.infer<typeof ZBillingSetupWarning>;

export const ZBillingEndpoint = z
  .object({
    id: z.string(),
    provider: ZBillingProvider,
    name: z.string(),
    programId: z.string().nullable().openapi({ description: 'Program credited when the event names no program (via a link or partner)' }),
    programName: z.string().nullable(),
    status: ZBillingEndpointStatus,
    webhookUrl: z.string().openapi({ description: 'Paste this URL in the provider dashboard' }),
    secretHint: z.string().openapi({ description: 'The signing secret, masked: only its last 4 characters' }),
    secretRotatedAt: z.string().nullable(),
    previousSecretExpiresAt: z.string().nullable().openapi({ description: 'After a rotation the previous secret still verifies until then' }),
    lastEventAt: z.string().nullable(),
    eventCount: z.number().int(),
    setupWarnings: z
      .array(ZBillingSetupWarning)
      .openapi({ description: 'What the events of the last 30 days say is missing from the provider’s webhook settings, and what it costs' }),
    createdAt: z.string(),
  })
  .openapi('BillingEndpoint');

export const ZBillingEndpointList = z.object({ data: z.array(ZBillingEndpoint) }).openapi('BillingEndpointList');

export const ZBillingEndpointWithSecret = z
  .object({
    endpoint: ZBillingEndpoint,
    signingSecret: z.string().openapi({ description: 'Shown this once; afterwards only `secretHint`' }),
  })
  .openapi('BillingEndpointWithSecret');

export const ZCreateBillingEndpointRequest = z
  .object({
    provider: ZBillingProvider,
    name: z.string().trim().min(1, 'must not be empty').max(120).optional(),
    programId: z.string().max(64).nullish(),
    signingSecret: ZSecret.optional().openapi({
      description:
        'Stripe: the endpoint secret (whsec_…) Stripe shows for the endpoint. Paddle: the notification destination secret key (pdl_ntfset_…). Lemon Squeezy: omit to have one generated, then paste it into the webhook form.',
    }),
  })
  .openapi('CreateBillingEndpointRequest');
export type CreateBillingEndpointRequest = z.infer<typeof ZCreateBillingEndpointRequest>;

export const ZUpdateBillingEndpointRequest = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(120).optional(),
    programId: z.string().max(64).nullish(),
    status: ZBillingEndpointStatus.optional(),
  })
  .openapi('UpdateBillingEndpointRequest');
export type UpdateBillingEndpointRequest = z.infer<typeof ZUpdateBillingEndpointRequest>;

export const ZRotateSecretRequest = z
  .object({
    signingSecret: ZSecret.optional().openapi({ description: 'The new secret from the provider (Lemon Squeezy: omit to have one generated)' }),
    keepPreviousHours: z.number().int().min(0).max(168).default(24).openapi({ description: 'How long the old secret keeps verifying (0 = stop now)' }),
  })
  .openapi('RotateBillingSecretRequest');
export type RotateSecretRequest = z.infer<typeof ZRotateSecretRequest>;

export const ZBillingEventSummary = z
  .object({
    id: z.string(),
    endpointId: z.string(),
    provider: ZBillingProvider,
    providerEventId: z.string(),
    type: z.string(),
    status: ZBillingEventStatus,
    reason: z.string().nullable(),
    conversionIds: z.array(z.string()),
    normalized: z.array(z.record(z.string(), z.unknown())).openapi({ description: 'What the event meant: kind, refs, amount (minor units as strings), customer, hints' }),
    livemode: z.boolean().nullable(),
    receivedAt: z.string(),
  })
  .openapi('BillingEvent');

export const ZBillingEventDetail = ZBillingEventSummary.extend({
  payload: z.record(z.string(), z.unknown()).openapi({ description: "The provider's event as received" }),
}).openapi('BillingEventDetail');

export const ZBillingEventPage = pageOf(ZBillingEventSummary, 'BillingEventPage');

export const ZBillingEventQuery = ZPageQuery.extend({
  endpointId: z.string().max(64).optional(),
  status: ZBillingEventStatus.optional(),
});
export type BillingEventQuery = z.infer<typeof ZBillingEventQuery>;

export const ZWebhookParams = z.object({
  provider: z.string().max(32).openapi({ param: { name: 'provider', in: 'path' }, description: 'stripe | paddle | lemonsqueezy' }),
  endpointId: z.string().max(64).openapi({ param: { name: 'endpointId', in: 'path' }, description: 'The billing endpoint id (bep_…)' }),
});

export const ZWebhookReceipt = z
  .object({
    received: z.literal(true),
    eventId: z.string().openapi({ description: 'The stored billing event (bev_…)' }),
    status: z.union([ZBillingEventStatus, z.literal('duplicate')]),
    conversionIds: z.array(z.string()),
  })
  .openapi('WebhookReceipt');
