import { Clock, ShieldCheck } from 'lucide-react';
import { Badge, type BadgeTone } from './badge';
import { deadlineUrgency, formatDateTime, formatTimeLeft, type Urgency } from './format';

const TONES: Record<Urgency, BadgeTone> = { normal: 'neutral', soon: 'warning', urgent: 'danger', overdue: 'danger' };
const DAY = 86_400_000;

/**
 * Review deadline chip: "SLA · 5 h left", amber when less than a quarter of the window is
 * left, red once breached.
 */
export function SlaChip({
  dueAt,
  windowHours,
  breached,
  now = Date.now(),
}: {
  dueAt: string;
  windowHours: number;
  breached?: boolean;
  now?: number;
}) {
  const urgency: Urgency = breached
    ? 'overdue'
    : deadlineUrgency(dueAt, windowHours * 3_600_000, { soonFraction: 0.25, urgentFraction: 0, now });
  return (
    <Badge tone={TONES[urgency]} title={`Decision due ${formatDateTime(dueAt)}`}>
      <Clock aria-hidden />
      SLA · {urgency === 'overdue' && new Date(dueAt).getTime() > now ? 'breached' : formatTimeLeft(dueAt, now)}
    </Badge>
  );
}

/** Protection urgency: amber with less than 14 days left, red with less than 7 or ended. */
export function protectionUrgency(endsAt: string, now = Date.now()): Urgency {
  const left = new Date(endsAt).getTime() - now;
  if (left <= 0) return 'overdue';
  if (left < 7 * DAY) return 'urgent';
  if (left < 14 * DAY) return 'soon';
  return 'normal';
}

/** "Protected · 23 days left"; neutral green-free chip that turns amber, then red. */
export function ProtectionChip({ endsAt, now = Date.now() }: { endsAt: string; now?: number }) {
  const urgency = protectionUrgency(endsAt, now);
  const tone: BadgeTone = urgency === 'normal' ? 'success' : TONES[urgency];
  return (
    <Badge tone={tone} title={`Protected until ${formatDateTime(endsAt)}`}>
      <ShieldCheck aria-hidden />
      {urgency === 'overdue' ? 'Protection ended' : `Protected · ${formatDaysLeft(endsAt, now)}`}
    </Badge>
  );
}

/**
 * "23 days left", "1 day left", "5 h left" — protection windows are counted in whole days,
 * rounded up like the API's `daysLeft` (a fresh 90-day window reads "90 days left").
 */
export function formatDaysLeft(endsAt: string, now = Date.now()): string {
  const ms = new Date(endsAt).getTime() - now;
  if (ms < DAY) return formatTimeLeft(endsAt, now);
  const days = Math.ceil(ms / DAY);
  return `${days} ${days === 1 ? 'day' : 'days'} left`;
}
