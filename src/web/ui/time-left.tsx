import { Clock } from 'lucide-react';
import { Badge, type BadgeTone } from './badge';
import { deadlineUrgency, formatDateTime, formatTimeLeft } from './format';

const TONES: Record<ReturnType<typeof deadlineUrgency>, BadgeTone> = {
  normal: 'neutral',
  soon: 'warning',
  urgent: 'danger',
  overdue: 'danger',
};

/**
 * A chip for anything time-bound ("Protected · 23 days left", "SLA · 5 h left"): neutral, then
 * amber when a quarter of the window is left, red in the last tenth and once overdue.
 */
export function TimeLeft({ label, deadline, windowMs }: { label: string; deadline: string | Date; windowMs: number }) {
  const urgency = deadlineUrgency(deadline, windowMs);
  return (
    <Badge tone={TONES[urgency]} title={formatDateTime(deadline)}>
      <Clock aria-hidden />
      {label} · {formatTimeLeft(deadline)}
    </Badge>
  );
}
