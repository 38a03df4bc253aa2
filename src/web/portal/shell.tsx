import { useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link, Outlet, useRouter } from '@tanstack/react-router';
import { LogOut, Menu, X } from 'lucide-react';
import * as React from 'react';
import { api, tenancy } from '../api/client';
import { unwrap } from '../api/problem';
import { cn } from '../lib/cn';
import { initials } from '../lib/labels';
import { LogoMark } from '../shared/brand';
import { AuthLayout } from '../shared/screens';
import { useSignOut } from '../shared/session';
import { Button } from '../ui/button';
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

const shellApi = getRouteApi('/portal/portal-shell');

export const portalMeQuery = {
  queryKey: ['portal', 'me'] as const,
  queryFn: () => unwrap(api.GET('/api/v1/portal/me')),
  staleTime: 60_000,
};

const NAV = [
  { to: '/portal', label: 'Home', exact: true },
  { to: '/portal/deals', label: 'Deals' },
  { to: '/portal/links', label: 'Links' },
  { to: '/portal/earnings', label: 'Earnings' },
  { to: '/portal/payouts', label: 'Payouts' },
  { to: '/portal/team', label: 'Team' },
  { to: '/portal/profile', label: 'Profile' },
] as const;

export function PortalShell() {
  const { me, membership } = shellApi.useRouteContext();
  const [open, setOpen] = React.useState(false);
  const signOut = useSignOut('/portal/sign-in');
  const portalMe = useQuery({ ...portalMeQuery, enabled: membership !== null });

  if (!membership) {
    return (
      <AuthLayout
        title="No partner access"
        description={`${me.user.email} is not part of a partner team yet. Use the link from your invitation email, or ask your contact to invite you.`}
      >
        <Button variant="secondary" className="w-full" onClick={() => void signOut()}>
          Sign out
        </Button>
      </AuthLayout>
    );
  }

  const vendor = portalMe.data?.workspaceName ?? membership.workspaceName;
  const partnerName = portalMe.data?.partner.name ?? membership.partnerName;

  return (
    <div className="min-h-dvh bg-slate-50">
      <header className="sticky top-0 z-20 border-b border-slate-200 bg-white/95 backdrop-blur">
        <div className="mx-auto flex h-14 max-w-5xl items-center gap-4 px-4 sm:px-6">
          <Link
            to="/portal"
            className="flex min-w-0 items-center gap-2.5 rounded focus-visible:outline-2 focus-visible:outline-brand-500"
          >
            <LogoMark className="size-7 shrink-0" />
            <span className="min-w-0">
              <span className="block truncate text-sm font-semibold text-slate-900">{vendor}</span>
              <span className="block truncate text-xs text-slate-500">Partner portal</span>
            </span>
          </Link>
          <nav aria-label="Portal" className="ml-6 hidden items-center gap-1 md:flex">
            {NAV.map((item) => (
              <Link
                key={item.to}
                to={item.to}
                activeOptions={{ exact: 'exact' in item }}
                className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-brand-500 data-[status=active]:bg-brand-50 data-[status=active]:text-brand-700"
              >
                {item.label}
              </Link>
            ))}
          </nav>
          <div className="flex-1" />
          <AccountMenu partnerName={partnerName} onSignOut={() => void signOut()} />
          <button
            type="button"
            className="rounded-md p-2 text-slate-600 hover:bg-slate-100 md:hidden"
            aria-label={open ? 'Close menu' : 'Open menu'}
            aria-expanded={open}
            aria-controls="portal-mobile-nav"
            onClick={() => setOpen((value) => !value)}
          >
            {open ? <X className="size-5" aria-hidden /> : <Menu className="size-5" aria-hidden />}
          </button>
        </div>
        <nav
          id="portal-mobile-nav"
          aria-label="Portal menu"
          className={cn('border-t border-slate-100 px-4 py-2 md:hidden', !open && 'hidden')}
        >
          <ul className="grid gap-0.5">
            {NAV.map((item) => (
              <li key={item.to}>
                <Link
                  to={item.to}
                  activeOptions={{ exact: 'exact' in item }}
                  onClick={() => setOpen(false)}
                  className="block rounded-md px-3 py-2.5 text-[15px] font-medium text-slate-700 hover:bg-slate-100 data-[status=active]:bg-brand-50 data-[status=active]:text-brand-700"
                >
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main className="mx-auto w-full max-w-5xl px-4 py-6 sm:px-6 sm:py-10">
        <Outlet />
      </main>
    </div>
  );
}

function AccountMenu({ partnerName, onSignOut }: { partnerName: string; onSignOut: () => void }) {
  const { me, membership } = shellApi.useRouteContext();
  const queryClient = useQueryClient();
  const router = useRouter();
  const switchTo = async (partnerId: string) => {
    const next = me.partnerMemberships.find((item) => item.partnerId === partnerId);
    if (!next || next.partnerId === membership?.partnerId) return;
    tenancy.setPartner(next);
    queryClient.removeQueries({ queryKey: ['portal'] });
    await router.invalidate();
  };
  return (
    <DropdownMenu>
      <DropdownMenuTrigger
        className="flex items-center gap-2 rounded-full p-0.5 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-500 sm:rounded-md sm:py-1 sm:pr-2 sm:pl-1"
        aria-label="Account menu"
      >
        <span className="flex size-8 items-center justify-center rounded-full bg-brand-100 text-xs font-semibold text-brand-700">
          {me.user.name ? initials(me.user.name) : me.user.email.charAt(0).toUpperCase()}
        </span>
        <span className="hidden max-w-40 truncate text-sm font-medium text-slate-700 sm:block">{partnerName}</span>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end" className="w-64">
        <div className="px-2 py-1.5">
          {me.user.name ? <p className="truncate text-sm font-medium text-slate-900">{me.user.name}</p> : null}
          <p className="truncate text-xs text-slate-500">{me.user.email}</p>
        </div>
        {me.partnerMemberships.length > 1 ? (
          <>
            <DropdownMenuSeparator />
            <DropdownMenuLabel>Switch portal</DropdownMenuLabel>
            <DropdownMenuRadioGroup value={membership?.partnerId} onValueChange={(id) => void switchTo(id)}>
              {me.partnerMemberships.map((item) => (
                <DropdownMenuRadioItem key={item.partnerId} value={item.partnerId}>
                  <span className="truncate">
                    {item.partnerName} · {item.workspaceName}
                  </span>
                </DropdownMenuRadioItem>
              ))}
            </DropdownMenuRadioGroup>
          </>
        ) : null}
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={onSignOut}>
          <LogOut aria-hidden />
          Sign out
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
