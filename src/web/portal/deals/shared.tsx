import { ShieldCheck } from 'lucide-react';
import { labelOf, PORTAL_REGISTRATION_STATUSES, registrationStatusTone } from '../../lib/labels';
import { Badge } from '../../ui/badge';
import { ProtectionChip } from '../../ui/countdown';
import { formatDate, formatMoney } from '../../ui/format';

/**
 * Partner responses are projected by the vendor's sharing rules: a field can be absent,
 * a value, or a masked / banded string. These helpers show whatever arrived, as text.
 */
export function isMoney(value: unknown): value is { amountMinor: string; currency: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { amountMinor?: unknown }).amountMinor === 'string' &&
    typeof (value as { currency?: unknown }).currency === 'string'
  );
}

export function sharedText(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (isMoney(value)) return formatMoney(value.amountMinor, value.currency);
  if (Array.isArray(value)) return value.length ? value.map(String).join(', ') : null;
  if (typeof value === 'object') return null;
  return String(value);
}

export function sharedDate(value: unknown): string | null {
  if (typeof value !== 'string' || !value) return null;
  return /^\d{4}-\d{2}-\d{2}/.test(value) ? formatDate(value.length === 10 ? `${value}T12:00:00` : value) : value;
}

export function StatusBadge({ status }: { status: string | undefined }) {
  if (!status) return null;
  return (
    <Badge tone={registrationStatusTone(status)} dot>
      {labelOf(PORTAL_REGISTRATION_STATUSES, status)}
    </Badge>
  );
}

/** The countdown chip partners care most about, or the state that explains why there is none. */
export function ProtectionState({
  status,
  protectionEndsAt,
}: {
  status: string | undefined;
  protectionEndsAt: string | null | undefined;
}) {
  if (status === 'approved' && protectionEndsAt) return <ProtectionChip endsAt={protectionEndsAt} />;
  if (status === 'submitted' || status === 'info_requested')
    return (
      <Badge tone="muted">
        <ShieldCheck aria-hidden />
        Protection starts on approval
      </Badge>
    );
  return null;
}
