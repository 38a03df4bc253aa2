import { z } from '@hono/zod-openapi';
import { ZMoney, ZMoneyOrNull } from '../../platform/money.ts';
import { ZPageQuery } from '../../platform/pagination.ts';
import { ACCRUAL_STATUSES, CONVERSION_KINDS, CONVERSION_SOURCES } from './conversions.ts';

export const LINK_CODE_RE = /^[a-z0-9][a-z0-9_-]{2,63}$/;
const HOST_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const ZHttpUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
    } catch {
      return false;
    }
  }, 'must be an http(s) URL, e.g. https://example.com/pricing');

const ZParams = z
  .record(z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.\-[\]]+$/, 'parameter names use letters, digits, _ . - [ ]'), z.string().max(500))
  .refine((r) => Object.keys(r).length <= 30, 'at most 30 parameters')
  .refine((r) => !('opc' in r), 'opc is reserved for the click id')
  .openapi({ description: 'UTM and custom query parameters added to the destination, e.g. {"utm_source":"partner"}' });

export const ZLinkStatus = z.enum(['active', 'archived']).openapi('LinkStatus');

export const ZLinkStats = z
  .object({
    clicks: z.number().int(),
    uniqueClicks: z.number().int(),
    leads: z.number().int(),
    sales: z.number().int(),
    revenue: z.array(ZMoney).openapi({ description: 'Sum of sales per currency' }),
  })
  .openapi('LinkStats');

export const ZLink = z
  .object({
    id: z.string(),
    programId: z.string(),
    programName: z.string(),
    partnerId: z.string(),
    partnerName: z.string(),
    code: z.string(),
    name: z.string().nullable(),
    url: z.string().openapi({ description: 'The link to share: {publicUrl}/r/{code}, or https://{customDomain}/{code}' }),
    destinationUrl: z.string(),
    params: z.record(z.string(), z.string()),
    customDomain: z.string().nullable(),
    status: ZLinkStatus,
    stats: ZLinkStats,
    createdAt: z.string(),
    archivedAt: z.string().nullable(),
  })
  .openapi('Link');
export const ZLinkPage = z.object({ data: z.array(ZLink), nextCursor: z.string().nullable() }).openapi('LinkPage');

export const ZLinkListQuery = ZPageQuery.extend({
  partnerId: z.string().max(64).optional(),
  programId: z.string().max(64).optional(),
  status: ZLinkStatus.optional(),
  q: z.string().trim().max(100).optional().openapi({ description: 'Code, name or destination contains' }),
});

const ZCode = z
  .string()
  .trim()
  .toLowerCase()
  .regex(LINK_CODE_RE, '3–64 characters: lower-case letters, digits, - and _, starting with a letter or digit');

export const ZCreateLinkRequest = z
  .object({
    partnerId: z.string().min(1).max(64),
    programId: z.string().min(1).max(64),
    code: ZCode.optional().openapi({ description: 'Omit to generate one' }),
    name: z.string().trim().max(120).optional(),
    destinationUrl: ZHttpUrl.optional().openapi({ description: "Required unless the program's tracking settings have a default destination" }),
    params: ZParams.optional(),
    customDomain: z.string().trim().toLowerCase().regex(HOST_RE, 'must be a host name such as go.example.com').nullable().optional(),
  })
  .openapi('CreateLinkRequest');

export const ZUpdateLinkRequest = z
  .object({
    name: z.string().trim().max(120).nullable().optional(),
    destinationUrl: ZHttpUrl.optional(),
    params: ZParams.optional(),
    customDomain: z.string().trim().toLowerCase().regex(HOST_RE, 'must be a host name such as go.example.com').nullable().optional(),
    status: ZLinkStatus.optional(),
  })
  .openapi('UpdateLinkRequest');

export const ZPortalCreateLinkRequest = z
  .object({
    programId: z.string().min(1).max(64),
    code: ZCode.optional(),
    name: z.string().trim().max(120).optional(),
    destinationUrl: ZHttpUrl.optional(),
    params: ZParams.optional(),
  })
  .openapi('PortalCreateLinkRequest');

export const ZTrackingSettings = z
  .object({
    programId: z.string(),
    attributionWindowDays: z.number().int(),
    model: z.enum(['last_click', 'first_click']),
    defaultDestinationUrl: z.string().nullable(),
  })
  .openapi('TrackingSettings');

export const ZUpdateTrackingSettings = z
  .object({
    attributionWindowDays: z.number().int('must be a whole number of days').min(1, 'must be 1–365 days').max(365, 'must be 1–365 days').optional(),
    model: z.enum(['last_click', 'first_click']).optional(),
    defaultDestinationUrl: ZHttpUrl.nullable().optional(),
  })
  .openapi('UpdateTrackingSettings');

export const ZDailyPoint = z
  .object({
    day: z.string(),
    clicks: z.number().int(),
    uniqueClicks: z.number().int(),
    botClicks: z.number().int(),
    leads: z.number().int(),
    sales: z.number().int(),
  })
  .openapi('TrackingDailyPoint');

export const ZLinkAnalytics = z
  .object({
    linkId: z.string(),
    from: z.string(),
    to: z.string(),
    totals: z.object({ clicks: z.number().int(), uniqueClicks: z.number().int(), botClicks: z.number().int(), leads: z.number().int(), sales: z.number().int(), revenue: z.array(ZMoney) }),
    days: z.array(ZDailyPoint),
  })
  .openapi('LinkAnalytics');

export const ZAnalyticsQuery = z.object({
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').optional(),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').optional(),
});

export const ZPartnerAnalyticsRow = z
  .object({
    partnerId: z.string(),
    partnerName: z.string(),
    clicks: z.number().int(),
    uniqueClicks: z.number().int(),
    botClicks: z.number().int(),
    leads: z.number().int(),
    sales: z.number().int(),
    revenue: z.array(ZMoney),
  })
  .openapi('PartnerTrackingAnalytics');
export const ZPartnerAnalytics = z
  .object({ from: z.string(), to: z.string(), data: z.array(ZPartnerAnalyticsRow) })
  .openapi('TrackingAnalyticsByPartner');

export const ZConversionKind = z.enum(CONVERSION_KINDS).openapi('ConversionKind');
export const ZConversionSource = z.enum(CONVERSION_SOURCES).openapi('ConversionSource');
export const ZAccrualStatus = z.enum(ACCRUAL_STATUSES).openapi('AccrualStatus');

export const ZConversion = z
  .object({
    id: z.string(),
    kind: ZConversionKind,
    source: ZConversionSource,
    programId: z.string().nullable(),
    partnerId: z.string().nullable(),
    partnerName: z.string().nullable(),
    linkId: z.string().nullable(),
    linkCode: z.string().nullable(),
    clickId: z.string().nullable(),
    customer: z
      .object({ id: z.string(), externalId: z.string().nullable(), email: z.string().nullable(), name: z.string().nullable() })
      .nullable(),
    amount: ZMoneyOrNull,
    product: z.string().nullable(),
    externalRef: z.string().nullable(),
    originalRef: z.string().nullable(),
    recurring: z.boolean().nullable(),
    accrualStatus: ZAccrualStatus,
    occurredAt: z.string(),
    receivedAt: z.string(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi('Conversion');
export const ZConversionPage = z.object({ data: z.array(ZConversion), nextCursor: z.string().nullable() }).openapi('ConversionPage');

export const ZConversionListQuery = ZPageQuery.extend({
  status: ZAccrualStatus.optional(),
  partnerId: z.string().max(64).optional(),
  kind: ZConversionKind.optional(),
  source: ZConversionSource.optional(),
  linkId: z.string().max(64).optional(),
});

export const ZAttributeRequest = z
  .object({
    partnerId: z.string().min(1).max(64),
    programId: z.string().min(1).max(64).optional().openapi({ description: "Needed when the conversion has no program and the partner is enrolled in several" }),
  })
  .openapi('AttributeConversionRequest');

const ZCustomerRef = z
  .object({
    externalId: z.string().trim().min(1).max(200).optional(),
    email: z.string().trim().toLowerCase().email('must be an email address').max(320).optional(),
    name: z.string().trim().max(200).optional(),
    country: z.string().trim().length(2, 'must be an ISO 3166 two-letter code').toUpperCase().optional(),
  })
  .refine((c) => c.externalId || c.email, { message: 'give the customer an externalId or an email', path: ['externalId'] });

export const ZTrackLeadRequest = z
  .object({
    customer: ZCustomerRef,
    clickId: z.string().trim().max(64).optional().openapi({ description: 'The `opc` value the snippet captured (window.openprm.clickId())' }),
    partnerCode: z.string().trim().max(64).optional().openapi({ description: 'A link code (or partner id) when there is no click id' }),
    programId: z.string().max(64).optional(),
    idempotencyKey: z.string().trim().min(1).max(200).optional().openapi({ description: 'Or the Idempotency-Key header; defaults to one lead per customer' }),
    occurredAt: z.string().datetime({ offset: true }).optional(),
  })
  .openapi('TrackLeadRequest');

export const ZTrackSaleRequest = z
  .object({
    customer: ZCustomerRef,
    amount: ZMoney,
    product: z.string().trim().max(200).optional(),
    externalRef: z.string().trim().min(1).max(200).optional().openapi({ description: 'Your order / invoice id' }),
    recurring: z.boolean().optional(),
    clickId: z.string().trim().max(64).optional(),
    partnerCode: z.string().trim().max(64).optional(),
    programId: z.string().max(64).optional(),
    idempotencyKey: z.string().trim().min(1).max(200).optional().openapi({ description: 'Or the Idempotency-Key header; one of them or externalRef is required' }),
    occurredAt: z.string().datetime({ offset: true }).optional(),
  })
  .openapi('TrackSaleRequest');

export const ZTrackResult = z
  .object({ created: z.boolean(), conversion: ZConversion })
  .openapi('TrackResult');

// Portal views: the partner's own links and conversions (customer masked).
export const ZPortalLink = z
  .object({
    id: z.string(),
    programId: z.string(),
    programName: z.string(),
    code: z.string(),
    name: z.string().nullable(),
    url: z.string(),
    destinationUrl: z.string(),
    status: ZLinkStatus,
    stats: ZLinkStats,
    createdAt: z.string(),
  })
  .openapi('PortalLink');
export const ZPortalLinkList = z.object({ data: z.array(ZPortalLink), nextCursor: z.string().nullable() }).openapi('PortalLinkList');

export const ZPortalConversion = z
  .object({
    id: z.string(),
    kind: ZConversionKind,
    programId: z.string().nullable(),
    linkCode: z.string().nullable(),
    customer: z.string().nullable().openapi({ description: 'Masked: j•••@example.com' }),
    amount: ZMoneyOrNull,
    product: z.string().nullable(),
    occurredAt: z.string(),
  })
  .openapi('PortalConversion');
export const ZPortalConversionPage = z.object({ data: z.array(ZPortalConversion), nextCursor: z.string().nullable() }).openapi('PortalConversionPage');
