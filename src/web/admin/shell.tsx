import { useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link, Outlet, useNavigate, useRouter } from '@tanstack/react-router';
import {
  CircleDollarSign,
  Banknote,
  Building2,
  ChartColumn,
  ChevronsUpDown,
  ClipboardCheck,
  EyeOff,
  Handshake,
  House,
  Inbox,
  KeyRound,
  Layers,
  Link2,
  LogOut,
  Menu,
  Plus,
  Receipt,
  Route,
  ScrollText,
  Users,
  UsersRound,
  Webhook,
  Workflow,
  X,
} from 'lucide-react';
import { Dialog as DialogPrimitive } from 'radix-ui';
import * as React from 'react';
import { tenancy } from '../api/client';
import { initials, labelOf, MEMBER_ROLES } from '../lib/labels';
import { type Permission, useCan } from '../lib/permissions';
import { Logo } from '../shared/brand';
import { useSignOut } from '../shared/session';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuRadioGroup,
  DropdownMenuRadioItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '../ui/dropdown-menu';

const consoleApi = getRouteApi('/app/console');

type NavItem = { to: string; label: string; icon: typeof House; exact?: boolean; permission?: Permission };

const MAIN_NAV: NavItem[] = [
  { to: '/app', label: 'Home', icon: House, exact: true },
  { to: '/app/partners', label: 'Partners', icon: Users },
  { to: '/app/programs', label: 'Programs', icon: Layers },
  { to: '/app/registrations', label: 'Registrations', icon: ClipboardCheck, permission: 'registrations:read' },
  { to: '/app/pipeline', label: 'Pipeline', icon: Handshake, permission: 'deals:read' },
  { to: '/app/reports', label: 'Reports', icon: ChartColumn, permission: 'metrics:read' },
];

/** Revenue: tracking, commissions and payouts (issue 4). Each part adds its own entry. */
const REVENUE_NAV: NavItem[] = [
  { to: '/app/links', label: 'Links', icon: Link2, permission: 'links:read' },
  { to: '/app/conversions', label: 'Conversions', icon: Receipt, permission: 'conversions:read' },
  { to: '/app/commissions', label: 'Commissions', icon: CircleDollarSign, permission: 'commissions:read' },
  { to: '/app/payouts', label: 'Payouts', icon: Banknote, permission: 'payouts:read' },
];

const SETTINGS_NAV: NavItem[] = [
  { to: '/app/settings/team', label: 'Team', icon: UsersRound },
  { to: '/app/settings/api-keys', label: 'API keys', icon: KeyRound, permission: 'api_keys:manage' },
  { to: '/app/settings/audit-log', label: 'Audit log', icon: ScrollText, permission: 'audit:read' },
  { to: '/app/settings/registration-routing', label: 'Registration routing', icon: Route, permission: 'registrations:read' },
  { to: '/app/settings/sharing-rules', label: 'Sharing rules', icon: EyeOff, permission: 'sharing:manage' },
  { to: '/app/settings/pipeline-stages', label: 'Pipeline stages', icon: Workflow, permission: 'deals:read' },
  { to: '/app/settings/mail-outbox', label: 'Mail outbox', icon: Inbox, permission: 'mail_outbox:read' },
  { to: '/app/settings/billing-webhooks', label: 'Billing webhooks', icon: Webhook, permission: 'billing:configure' },
  { to: '/app/settings/workspace', label: 'Workspace', icon: Building2 },
  { to: '/app/settings/payouts', label: 'Payout settings', icon: Banknote, permission: 'payouts:read' },
];

function NavLinks({ onNavigate }: { onNavigate?: () => void }) {
  const can = useCan();
  const item = ({ to, label, icon: Icon, exact }: NavItem) => (
    <li key={to}>
      <Link
        to={to}
        onClick={onNavigate}
        activeOptions={{ exact: exact ?? false }}
        className="group flex items-center gap-3 rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-600 transition-colors hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-brand-500 data-[status=active]:bg-brand-50 data-[status=active]:text-brand-700"
      >
        <Icon
          className="size-4 text-slate-400 group-hover:text-slate-500 group-data-[status=active]:text-brand-600"
          aria-hidden
        />
        {label}
      </Link>
    </li>
  );
  return (
    <nav aria-label="Console" className="grid gap-6">
      <ul className="grid gap-0.5">{MAIN_NAV.filter((entry) => !entry.permission || can(entry.permission)).map(item)}</ul>
      {REVENUE_NAV.some((entry) => !entry.permission || can(entry.permission)) ? (
        <div>
          <h2 className="mb-1.5 px-2.5 text-xs font-medium tracking-wide text-slate-400 uppercase">Revenue</h2>
          <ul className="grid gap-0.5">
            {REVENUE_NAV.filter((entry) => !entry.permission || can(entry.permission)).map(item)}
          </ul>
        </div>
      ) : null}
      <div>
        <h2 className="mb-1.5 px-2.5 text-xs font-medium tracking-wide text-slate-400 uppercase">Settings</h2>
        <ul className="grid gap-0.5">
          {SETTINGS_NAV.filter((entry) => !entry.permission || can(entry.permission)).map(item)}
        </ul>
      </div>
    </nav>
  );
}

export function ConsoleShell() {
  const [menuOpen, setMenuOpen] = React.useState(false);
  return (
    <div className="min-h-dvh bg-slate-50">
      <aside className="fixed inset-y-0 left-0 z-30 hidden w-60 flex-col border-r border-slate-200 bg-white lg:flex">
        <div className="flex h-14 items-center border-b border-slate-100 px-5">
          <Link to="/app" className="rounded focus-visible:outline-2 focus-visible:outline-brand-500">
            <Logo />
          </Link>
        </div>
        <div className="flex-1 overflow-y-auto px-3 py-5">
          <NavLinks />
        </div>
      </aside>

      <DialogPrimitive.Root open={menuOpen} onOpenChange={setMenuOpen}>
        <DialogPrimitive.Portal>
          <DialogPrimitive.Overlay className="fixed inset-0 z-40 bg-slate-900/40 animate-fade-in lg:hidden" />
          <DialogPrimitive.Content
            aria-describedby={undefined}
            className="fixed inset-y-0 left-0 z-50 flex w-72 max-w-[85vw] flex-col bg-white shadow-overlay animate-slide-in focus:outline-none lg:hidden"
          >
            <div className="flex h-14 items-center justify-between border-b border-slate-100 px-5">
              <DialogPrimitive.Title asChild>
                <span>
                  <Logo />
                </span>
              </DialogPrimitive.Title>
              <DialogPrimitive.Close
                className="rounded-md p-1.5 text-slate-500 hover:bg-slate-100"
                aria-label="Close menu"
              >
                <X className="size-5" aria-hidden />
              </DialogPrimitive.Close>
            </div>
            <div className="flex-1 overflow-y-auto px-3 py-5">
              <NavLinks onNavigate={() => setMenuOpen(false)} />
            </div>
          </DialogPrimitive.Content>
        </DialogPrimitive.Portal>
      </DialogPrimitive.Root>

      <div className="lg:pl-60">
        <header className="sticky top-0 z-20 flex h-14 items-center gap-3 border-b border-slate-200 bg-white/90 px-4 backdrop-blur sm:px-6 lg:px-8">
          <button
            type="button"
            onClick={() => setMenuOpen(true)}
            className="-ml-1 rounded-md p-1.5 text-slate-600 hover:bg-slate-100 lg:hidden"
            aria-label="Open menu"
          >
            <Menu className="size-5" aria-hidden />
          </button>
          <WorkspaceSwitcher />
          <div className="flex-1" />
          <UserMenu />
        </header>
        <main id="main" className="mx-auto w-full max-w-6xl px-4 py-6 sm:px-6 sm:py-8 lg:px-8">
          <Outlet />
        </main>
      </div>
    </div>
  );
}

function WorkspaceSwitcher() {
  const { me, workspace } = consoleApi.useRouteContext();
  const queryClient = useQueryClient();
  const router = useRouter();
  const navigate = useNavigate();

  const switchTo = async (id: string) => {
    if (id === workspace.id) return;
    tenancy.setWorkspaceId(id);
    // Everything cached belongs to the previous workspace.
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'me' });
    await router.invalidate();
    await navigate({ to: '/app' });
  };

  return (
    <DropdownMenu>
      <DropdownMenuTrigger
        className="flex min-w-0 items-center gap-2 rounded-md px-2 py-1.5 text-left hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-500"
        aria-label={`Workspace: ${workspace.name}. Switch workspace`}
      >
        <span className="flex size-6 shrink-0 items-center justify-center rounded-md bg-slate-900 text-[11px] font-semibold text-white">
          {initials(workspace.name)}
        </span>
        <span className="truncate text-sm font-medium text-slate-900">{workspace.name}</span>
        <ChevronsUpDown className="size-4 shrink-0 text-slate-400" aria-hidden />
      </DropdownMenuTrigger>
      <DropdownMenuContent align="start" className="w-64">
        <DropdownMenuLabel>Workspaces</DropdownMenuLabel>
        <DropdownMenuRadioGroup value={workspace.id} onValueChange={(id) => void switchTo(id)}>
          {me.workspaces.map((item) => (
            <DropdownMenuRadioItem key={item.id} value={item.id}>
              <span className="flex min-w-0 flex-1 items-center justify-between gap-3">
                <span className="truncate">{item.name}</span>
                <span className="text-xs text-slate-400">{labelOf(MEMBER_ROLES, item.role)}</span>
              </span>
            </DropdownMenuRadioItem>
          ))}
        </DropdownMenuRadioGroup>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={() => void navigate({ to: '/app/onboarding' })}>
          <Plus aria-hidden />
          Create workspace
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

function UserMenu() {
  const { me } = consoleApi.useRouteContext();
  const signOut = useSignOut('/app/sign-in');
  return (
    <DropdownMenu>
      <DropdownMenuTrigger
        className="flex items-center gap-2 rounded-full p-0.5 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-500 sm:rounded-md sm:py-1 sm:pr-2 sm:pl-1"
        aria-label="Account menu"
      >
        <span className="flex size-7 items-center justify-center rounded-full bg-brand-100 text-xs font-semibold text-brand-700">
          {me.user.name ? initials(me.user.name) : me.user.email.charAt(0).toUpperCase()}
        </span>
        <span className="hidden max-w-40 truncate text-sm font-medium text-slate-700 sm:block">{me.user.name}</span>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end" className="w-60">
        <div className="px-2 py-1.5">
          <p className="truncate text-sm font-medium text-slate-900">{me.user.name}</p>
          <p className="truncate text-xs text-slate-500">{me.user.email}</p>
        </div>
        {me.partnerMemberships.length > 0 ? (
          <>
            <DropdownMenuSeparator />
            <DropdownMenuItem asChild>
              <Link to="/portal">
                <Users aria-hidden />
                Open partner portal
              </Link>
            </DropdownMenuItem>
          </>
        ) : null}
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={() => void signOut()}>
          <LogOut aria-hidden />
          Sign out
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
