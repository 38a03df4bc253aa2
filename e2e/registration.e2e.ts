import { type APIRequestContext, expect, type Page, test } from '@playwright/test';
import { signInPartnerByEmail } from './partner-sign-in';

/**
 * Deal registration end to end on the demo workspace: another partner (Kestrel Systems)
 * already claims the customer → Priya of Northwind Consulting registers the same domain in
 * the portal → the manager sees the conflict panel with its recommendation and approves →
 * Priya sees the protection countdown → the deal is won in the console → Priya's pipeline
 * shows it, and an internal note written on the deal appears nowhere in the portal.
 */
const OWNER = { email: 'owner@demo.openprm.dev', password: 'openprm-demo' };
const PARTNER_EMAIL = 'priya@northwind-consulting.example';

async function consoleHeaders(page: Page): Promise<Record<string, string>> {
  const workspaceId = await page.evaluate(() => (globalThis as any).localStorage.getItem('openprm.workspace'));
  expect(workspaceId).toBeTruthy();
  // Cookie-authenticated writes must come from the app's own origin, like the browser's.
  return { 'x-workspace-id': workspaceId as string, 'content-type': 'application/json', origin: new URL(page.url()).origin };
}

async function getJson(request: APIRequestContext, url: string, headers: Record<string, string>) {
  const response = await request.get(url, { headers });
  expect(response.ok(), `${url} → ${response.status()}`).toBeTruthy();
  return response.json();
}

test('partner registers a deal, the manager approves it over a conflict, and the won deal reaches the partner without internal fields', async ({
  browser,
}) => {
  const stamp = Date.now();
  const domain = `globex-${stamp}.example`;
  const account = `Globex Industrial ${stamp}`;
  const internalNote = `INTERNAL-ONLY-${stamp} margin floor 18 %`;

  // ── The manager signs in to the console.
  const ownerContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const manager = await ownerContext.newPage();
  await manager.goto('/app/sign-in');
  await manager.getByLabel('Email', { exact: true }).fill(OWNER.email);
  await manager.getByLabel('Password', { exact: true }).fill(OWNER.password);
  await manager.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(manager).toHaveURL(/\/app$/);
  await expect(manager.getByRole('link', { name: 'Registrations', exact: true })).toBeVisible();

  // ── Seed the competing claim through the API with the manager's session: Kestrel Systems
  // registered the same customer domain first.
  const headers = await consoleHeaders(manager);
  const programs = await getJson(manager.request, '/api/v1/programs?limit=100', headers);
  const reseller = programs.data.find((program: { name: string }) => program.name === 'Reseller Program');
  expect(reseller).toBeTruthy();
  const kestrel = (await getJson(manager.request, '/api/v1/partners?q=Kestrel&limit=5', headers)).data[0];
  expect(kestrel?.name).toBe('Kestrel Systems');
  const seeded = await manager.request.post('/api/v1/registrations', {
    headers,
    data: {
      partnerId: kestrel.id,
      programId: reseller.id,
      account: { name: `Globex Industries ${stamp}`, domain, country: 'DE' },
      contact: { name: 'Hanna Vogel', email: `hanna@${domain}` },
      amount: { amountMinor: '3500000', currency: 'EUR' },
      expectedCloseDate: '2027-03-31',
      products: ['Platform'],
    },
  });
  expect(seeded.status(), await seeded.text()).toBe(201);

  // ── Priya signs in to the portal with an emailed link (read from the dev mail outbox).
  const partnerContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const partner = await partnerContext.newPage();
  await signInPartnerByEmail(manager, partner, PARTNER_EMAIL);

  // ── Priya registers the deal with the program's form.
  await partner.goto('/portal/deals');
  await partner.getByRole('link', { name: 'Register a deal' }).first().click();
  await partner.getByLabel('Program').selectOption({ label: 'Reseller Program' });
  await partner.getByLabel('Company name').fill(account);
  await partner.getByLabel('Website or domain').fill(`https://www.${domain}/about`);
  await partner.getByLabel('Contact name').fill('Lena Fischer');
  await partner.getByLabel('Contact email').fill(`lena@${domain}`);
  await partner.getByLabel(/Estimated amount/).fill('48000');
  await partner.getByLabel('Expected close date').fill('2027-02-28');
  await partner.getByRole('button', { name: 'Submit registration' }).click();
  await expect(partner.getByRole('heading', { name: account })).toBeVisible();
  await expect(partner.getByText('In review').first()).toBeVisible();

  // ── The manager opens the queue, sees the conflict panel and its reasons, and approves.
  await manager.getByRole('link', { name: 'Registrations', exact: true }).click();
  await manager.getByRole('link', { name: account }).click();
  const panel = manager.locator('section').filter({ hasText: /Conflicts with/ });
  await expect(panel).toBeVisible();
  await expect(panel.getByText('Kestrel Systems')).toBeVisible();
  await expect(panel.getByText(/Same domain/)).toBeVisible();
  await expect(panel.getByText(/Recommendation/)).toBeVisible();
  await manager.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(manager.getByText('Registration approved', { exact: true })).toBeVisible();
  await expect(manager.getByText(/Protected · \d+ days left/).first()).toBeVisible();

  // ── Priya sees the protection countdown.
  await partner.reload();
  await expect(partner.getByText(/Protected · \d+ days left/).first()).toBeVisible();
  await partner.goto('/portal/deals');
  await expect(partner.getByRole('link', { name: new RegExp(account) }).getByText(/Protected · \d+ days left/)).toBeVisible();

  // ── The manager writes an internal note on the deal and wins it.
  await manager.getByRole('link', { name: 'Open deal' }).click();
  await manager.getByLabel('Notes for your team').fill(internalNote);
  await manager.getByRole('button', { name: 'Save notes' }).click();
  await expect(manager.getByText('Internal notes saved', { exact: true })).toBeVisible();
  await manager.getByLabel('Move to stage').selectOption({ label: 'Closed won' });
  await manager.getByRole('button', { name: 'Change stage' }).click();
  await expect(manager.getByText('Stage changed', { exact: true })).toBeVisible();

  // ── Priya's pipeline shows the won deal and nothing internal.
  await partner.goto('/portal/deals?tab=pipeline');
  const card = partner.getByRole('article').filter({ hasText: account });
  await expect(card).toBeVisible();
  await expect(card.getByText('Closed won')).toBeVisible();
  const portalText = (await partner.locator('body').textContent()) ?? '';
  expect(portalText).not.toContain(internalNote);
  expect(portalText).not.toContain('INTERNAL-ONLY');
  expect(portalText).not.toContain('Kestrel');
  const apiBody = await (await partner.request.get('/api/v1/portal/deals?limit=100', {
    headers: {
      'x-partner-id': (await partner.evaluate(() => (globalThis as any).localStorage.getItem('openprm.partner'))) ?? '',
      'x-workspace-id': (await partner.evaluate(() => (globalThis as any).localStorage.getItem('openprm.partnerWorkspace'))) ?? '',
    },
  })).text();
  expect(apiBody).toContain(account.split(' ')[0]);
  expect(apiBody).not.toContain(internalNote);
});
