import type { PortalTeamMember } from '../api/types';
import { initials, labelOf, PARTNER_ROLES } from '../lib/labels';
import { Badge } from '../ui/badge';

export function TeamRow({ member }: { member: PortalTeamMember }) {
  return (
    <div className="flex items-center gap-3">
      <span className="flex size-9 shrink-0 items-center justify-center rounded-full bg-slate-100 text-xs font-semibold text-slate-600">
        {initials(member.name)}
      </span>
      <div className="min-w-0 flex-1">
        <p className="truncate text-sm font-medium text-slate-900">{member.name}</p>
        <p className="truncate text-xs text-slate-500">{member.email}</p>
      </div>
      <div className="flex shrink-0 flex-col items-end gap-1 sm:flex-row sm:items-center sm:gap-2">
        <span className="text-xs text-slate-600">{labelOf(PARTNER_ROLES, member.role)}</span>
        {member.status === 'invited' ? <Badge tone="warning">Invited</Badge> : null}
      </div>
    </div>
  );
}
