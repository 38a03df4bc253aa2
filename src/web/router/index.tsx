import { createRoute, createRouter, lazyRouteComponent, redirect } from '@tanstack/react-router';
import { meQuery } from '../api/queries';
import type { Me } from '../api/types';
import { queryClient } from '../lib/query-client';
import { safeRedirect, searchString } from '../lib/redirect';
import { PendingScreen } from '../shared/screens';
import { appRoute, consoleRoute, indexRoute, portalRoute, portalShellRoute, rootRoute } from './base';
import {
  validatePartnerSearch,
  validatePartnersSearch,
  validatePipelineSearch,
  validateProgramSearch,
  validateRegistrationsSearch,
} from './search';

const authSearch = (search: Record<string, unknown>): { redirect?: string; email?: string; error?: string } => ({
  redirect: searchString(search, 'redirect'),
  email: searchString(search, 'email'),
  error: searchString(search, 'error'),
});

/** Someone already signed in does not need the sign-in page. */
async function skipIfSignedIn(target: string | undefined, fallback: string, requirePartner = false) {
  let me: Me | null = null;
  try {
    me = await queryClient.ensureQueryData(meQuery);
  } catch {
    return;
  }
  if (requirePartner ? me.partnerMemberships.length > 0 : me.workspaces.length > 0) {
    throw redirect({ href: safeRedirect(target, fallback) });
  }
}

const signInRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'sign-in',
  beforeLoad: ({ search }) => skipIfSignedIn(search.redirect, '/app'),
  component: lazyRouteComponent(() => import('../admin/auth/sign-in'), 'SignInPage'),
  validateSearch: authSearch,
});
const signUpRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'sign-up',
  component: lazyRouteComponent(() => import('../admin/auth/sign-up'), 'SignUpPage'),
  validateSearch: authSearch,
});
const onboardingRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'onboarding',
  component: lazyRouteComponent(() => import('../admin/auth/onboarding'), 'OnboardingPage'),
});
const invitationRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'invitations/$token',
  component: lazyRouteComponent(() => import('../admin/auth/invitation'), 'InvitationPage'),
});

const homeRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: '/',
  component: lazyRouteComponent(() => import('../admin/home'), 'HomePage'),
});
const partnersRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'partners',
  component: lazyRouteComponent(() => import('../admin/partners/list'), 'PartnersPage'),
  validateSearch: validatePartnersSearch,
});
const partnerImportRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'partners/import',
  component: lazyRouteComponent(() => import('../admin/partners/import'), 'PartnerImportPage'),
  validateSearch: (search: Record<string, unknown>): { id?: string } => ({ id: searchString(search, 'id') }),
});
const partnerRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'partners/$partnerId',
  component: lazyRouteComponent(() => import('../admin/partners/detail'), 'PartnerPage'),
  validateSearch: validatePartnerSearch,
});
const programsRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'programs',
  component: lazyRouteComponent(() => import('../admin/programs/list'), 'ProgramsPage'),
});
const newProgramRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'programs/new',
  component: lazyRouteComponent(() => import('../admin/programs/form'), 'NewProgramPage'),
});
const programRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'programs/$programId',
  component: lazyRouteComponent(() => import('../admin/programs/form'), 'ProgramPage'),
  validateSearch: validateProgramSearch,
});
const registrationsRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'registrations',
  component: lazyRouteComponent(() => import('../admin/registrations/list'), 'RegistrationsPage'),
  validateSearch: validateRegistrationsSearch,
});
const registrationRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'registrations/$registrationId',
  component: lazyRouteComponent(() => import('../admin/registrations/detail'), 'RegistrationPage'),
});
const pipelineRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'pipeline',
  component: lazyRouteComponent(() => import('../admin/pipeline/list'), 'PipelinePage'),
  validateSearch: validatePipelineSearch,
});
const dealRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'pipeline/$dealId',
  component: lazyRouteComponent(() => import('../admin/pipeline/detail'), 'DealPage'),
});
const linksRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'links',
  component: lazyRouteComponent(() => import('../admin/links/list'), 'LinksPage'),
});
const conversionsRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'conversions',
  component: lazyRouteComponent(() => import('../admin/conversions/list'), 'ConversionsPage'),
});
const commissionsRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'commissions',
  component: lazyRouteComponent(() => import('../admin/commissions/page'), 'CommissionsPage'),
});
const payoutRunsRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'payouts',
  component: lazyRouteComponent(() => import('../admin/payouts/runs'), 'PayoutRunsPage'),
});
const payoutRunRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'payouts/$runId',
  component: lazyRouteComponent(() => import('../admin/payouts/run'), 'PayoutRunPage'),
});
const settingsRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'settings',
  beforeLoad: ({ location }) => {
    if (location.pathname.replace(/\/$/, '') === '/app/settings') throw redirect({ to: '/app/settings/team' });
  },
});
const teamRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'team',
  component: lazyRouteComponent(() => import('../admin/settings/team'), 'TeamPage'),
});
const apiKeysRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'api-keys',
  component: lazyRouteComponent(() => import('../admin/settings/api-keys'), 'ApiKeysPage'),
});
const auditLogRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'audit-log',
  component: lazyRouteComponent(() => import('../admin/settings/audit-log'), 'AuditLogPage'),
});
const mailOutboxRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'mail-outbox',
  component: lazyRouteComponent(() => import('../admin/settings/mail-outbox'), 'MailOutboxPage'),
});
const mailMessageRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'mail-outbox/$messageId',
  component: lazyRouteComponent(() => import('../admin/settings/mail-outbox'), 'MailMessagePage'),
});
const sharingRulesRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'sharing-rules',
  component: lazyRouteComponent(() => import('../admin/settings/sharing-rules'), 'SharingRulesPage'),
});
const registrationRoutingRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'registration-routing',
  component: lazyRouteComponent(() => import('../admin/settings/registration-routing'), 'RegistrationRoutingPage'),
});
const billingWebhooksRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'billing-webhooks',
  component: lazyRouteComponent(() => import('../admin/settings/billing-webhooks'), 'BillingWebhooksPage'),
});
const pipelineStagesRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'pipeline-stages',
  component: lazyRouteComponent(() => import('../admin/settings/pipeline-stages'), 'PipelineStagesPage'),
});
const reportsRoute = createRoute({
  getParentRoute: () => consoleRoute,
  path: 'reports',
  component: lazyRouteComponent(() => import('../admin/reports/index'), 'ReportsPage'),
});
const workspaceRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'workspace',
  component: lazyRouteComponent(() => import('../admin/settings/workspace'), 'WorkspaceSettingsPage'),
});

const payoutSettingsRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: 'payouts',
  component: lazyRouteComponent(() => import('../admin/payouts/settings'), 'PayoutSettingsPage'),
});
const portalSignInRoute = createRoute({
  getParentRoute: () => portalRoute,
  path: 'sign-in',
  component: lazyRouteComponent(() => import('../portal/sign-in'), 'PortalSignInPage'),
  validateSearch: (search: Record<string, unknown>): { redirect?: string; invitation?: string; error?: string } => ({
    redirect: searchString(search, 'redirect'),
    invitation: searchString(search, 'invitation'),
    error: searchString(search, 'error'),
  }),
  beforeLoad: ({ search }) => skipIfSignedIn(search.redirect, '/portal', true),
});
const portalHomeRoute = createRoute({
  getParentRoute: () => portalShellRoute,
  path: '/',
  component: lazyRouteComponent(() => import('../portal/home'), 'PortalHomePage'),
});
const portalTeamRoute = createRoute({
  getParentRoute: () => portalShellRoute,
  path: 'team',
  component: lazyRouteComponent(() => import('../portal/team'), 'PortalTeamPage'),
});
const portalDealsRoute = createRoute({
  getParentRoute: () => portalShellRoute,
  path: 'deals',
  component: lazyRouteComponent(() => import('../portal/deals/list'), 'PortalDealsPage'),
  validateSearch: (search: Record<string, unknown>): { tab?: 'registrations' | 'pipeline' } => ({
    tab: search.tab === 'pipeline' ? 'pipeline' : undefined,
  }),
});
const portalRegisterRoute = createRoute({
  getParentRoute: () => portalShellRoute,
  path: 'deals/register',
  component: lazyRouteComponent(() => import('../portal/deals/register'), 'PortalRegisterPage'),
  validateSearch: (search: Record<string, unknown>): { programId?: string } => ({
    programId: searchString(search, 'programId'),
  }),
});
const portalRegistrationRoute = createRoute({
  getParentRoute: () => portalShellRoute,
  path: 'deals/registrations/$registrationId',
  component: lazyRouteComponent(() => import('../portal/deals/registration'), 'PortalRegistrationPage'),
});
const portalRulesRoute = createRoute({
  getParentRoute: () => portalShellRoute,
  path: 'programs/$programId/rules',
  component: lazyRouteComponent(() => import('../portal/deals/rules'), 'PortalRulesPage'),
});
const portalLinksRoute = createRoute({
  getParentRoute: () => portalShellRoute,
  path: 'links',
  component: lazyRouteComponent(() => import('../portal/links/page'), 'PortalLinksPage'),
});
const portalEarningsRoute = createRoute({
  getParentRoute: () => portalShellRoute,
  path: 'earnings',
  component: lazyRouteComponent(() => import('../portal/earnings/page'), 'PortalEarningsPage'),
});
const portalPayoutsRoute = createRoute({
  getParentRoute: () => portalShellRoute,
  path: 'payouts',
  component: lazyRouteComponent(() => import('../portal/payouts/page'), 'PortalPayoutsPage'),
});
const portalProfileRoute = createRoute({
  getParentRoute: () => portalShellRoute,
  path: 'profile',
  component: lazyRouteComponent(() => import('../portal/profile'), 'PortalProfilePage'),
});

/** No-login pages reached from links the vendor sends (the server must serve the SPA there). */
const publicRegisterRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'register/$token',
  component: lazyRouteComponent(() => import('../external/register'), 'PublicRegisterPage'),
});
const sharedDealRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'shared/deals/$token',
  component: lazyRouteComponent(() => import('../external/shared-deal'), 'SharedDealPage'),
});

const routeTree = rootRoute.addChildren([
  indexRoute,
  publicRegisterRoute,
  sharedDealRoute,
  appRoute.addChildren([
    signInRoute,
    signUpRoute,
    onboardingRoute,
    invitationRoute,
    consoleRoute.addChildren([
      homeRoute,
      partnersRoute,
      partnerImportRoute,
      partnerRoute,
      programsRoute,
      newProgramRoute,
      programRoute,
      registrationsRoute,
      registrationRoute,
      pipelineRoute,
      dealRoute,
      reportsRoute,
      linksRoute,
      conversionsRoute,
      commissionsRoute,
      payoutRunsRoute,
      payoutRunRoute,
      settingsRoute.addChildren([
        teamRoute,
        apiKeysRoute,
        auditLogRoute,
        mailOutboxRoute,
        mailMessageRoute,
        sharingRulesRoute,
        registrationRoutingRoute,
        billingWebhooksRoute,
        workspaceRoute,
        payoutSettingsRoute,
        pipelineStagesRoute,
      ]),
    ]),
  ]),
  portalRoute.addChildren([
    portalSignInRoute,
    portalShellRoute.addChildren([
      portalHomeRoute,
      portalDealsRoute,
      portalLinksRoute,
      portalEarningsRoute,
      portalPayoutsRoute,
      portalRegisterRoute,
      portalRegistrationRoute,
      portalRulesRoute,
      portalTeamRoute,
      portalProfileRoute,
    ]),
  ]),
]);

export const router = createRouter({
  routeTree,
  context: { queryClient },
  defaultPreload: 'intent',
  defaultPendingComponent: PendingScreen,
  defaultPendingMs: 300,
  // Data comes from React Query; the router should not cache loader results itself.
  defaultPreloadStaleTime: 0,
  scrollRestoration: true,
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
