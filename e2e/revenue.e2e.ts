import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type APIRequestContext, expect, type Page, request, test } from '@playwright/test';
import { signInPartnerByEmail } from './partner-sign-in';
import Stripe from 'stripe';

/**
 * From a click to a partner's statement, on the demo workspace:
 * Priya (Northwind Consulting) creates and copies her referral link in the portal → a visitor
 * clicks it → the vendor's backend reports the sign-up through the tracking API with the click
 * id → Stripe sends a signed `invoice.paid` → a pending commission appears in the console →
 * the hold passes (the server's test clock moves forward) → finance computes, approves and
 * pays a payout run → Priya downloads her statement from the portal.
 */
const OWNER = { email: 'owner@demo.openprm.dev', password: 'openprm-demo' };
const PARTNER_EMAIL = 'priya@northwind-consulting.example';
const CORPUS = path.resolve(import.meta.dirname, '../test-corpora/stripe-ruby-mock-webhook-events/invoice.paid.json');

async function consoleHeaders(page: Page): Promise<Record<string, string>> {
  const workspaceId = await page.evaluate(() => (globalThis as any).localStorage.getItem('openprm.workspace'));
  expect(workspaceId).toBeTruthy();
  return { 'x-workspace-id': workspaceId as string, 'content-type': 'application/json', origin: new URL(page.url()).origin };
}

async function postJson(request: APIRequestContext, url: string, headers: Record<string, string>, data: unknown) {
  const response = await request.post(url, { headers, data });
  expect(response.ok(), `${url} → ${response.status()} ${await response.text()}`).toBeTruthy();
  return response.json();
}

async function getJson(request: APIRequestContext, url: string, headers: Record<string, string>) {
  const response = await request.get(url, { headers });
  expect(response.ok(), `${url} → ${response.status()}`).toBeTruthy();
  return response.json();
}

test('a click becomes a lead, a Stripe payment a commission, and the commission a payout the partner can download', async ({ browser, baseURL }) => {
  const stamp = Date.now();
  const linkName = `Winter newsletter ${stamp}`;
  const stripeCustomer = `cus_E2E${stamp}`;
  const customerEmail = `buyer-${stamp}@contoso.example`;

  // ── The owner signs in to the console; the API calls below use the same session.
  const ownerContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const owner = await ownerContext.newPage();
  await owner.goto('/app/sign-in');
  await owner.getByLabel('Email', { exact: true }).fill(OWNER.email);
  await owner.getByLabel('Password', { exact: true }).fill(OWNER.password);
  await owner.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(owner).toHaveURL(/\/app$/);
  await expect(owner.getByRole('link', { name: 'Commissions', exact: true })).toBeVisible();
  const headers = await consoleHeaders(owner);
  const programs = await getJson(owner.request, '/api/v1/programs?limit=100', headers);
  const referral = programs.data.find((p: { name: string }) => p.name === 'Referral Partners');
  expect(referral).toBeTruthy();
  // The vendor's backend: an API key for the tracking API and a Stripe endpoint with its secret.
  const apiKey = (await postJson(owner.request, '/api/v1/api-keys', headers, { name: `Backend ${stamp}`, role: 'admin' })).secret as string;
  const signingSecret = `whsec_e2e${stamp}`; // what Stripe's dashboard shows for the endpoint
  const { endpoint } = await postJson(owner.request, '/api/v1/billing-endpoints', headers, { provider: 'stripe', name: `Stripe ${stamp}`, programId: referral.id, signingSecret });

  // ── Priya signs in to the portal with an emailed link (read from the dev mail outbox).
  const partnerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await partnerContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  const partner = await partnerContext.newPage();
  await signInPartnerByEmail(owner, partner, PARTNER_EMAIL);

  // ── Priya creates a link for the referral program and copies it.
  await partner.goto('/portal/links');
  await partner.getByRole('button', { name: 'New link' }).first().click();
  await partner.getByLabel('Program').selectOption({ label: 'Referral Partners' });
  await partner.getByLabel(/^Name/).fill(linkName);
  await partner.getByRole('button', { name: 'Create link' }).click();
  // The link's card: the nearest ancestor of its title that shows the URL.
  const card = partner.getByRole('heading', { name: linkName }).locator('xpath=ancestor::*[.//code][1]');
  await expect(card).toBeVisible();
  await card.getByRole('button', { name: 'Copy link' }).click();
  await expect(card.getByRole('button', { name: 'Copied' })).toBeVisible();
  const copied = await partner.evaluate(() => (globalThis as any).navigator.clipboard.readText() as Promise<string>);
  expect(copied).toMatch(/\/r\/[A-Za-z0-9-]+$/);

  // ── A visitor clicks it: an immediate 302 to the vendor's site (which does not exist on this
  // offline machine, so the redirect is read rather than followed) with a click id and cookie.
  const visitorContext = await browser.newContext();
  const click = await visitorContext.request.get(copied, {
    maxRedirects: 0,
    headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36' },
  });
  expect(click.status()).toBe(302);
  expect(click.headers()['set-cookie'] ?? '').toContain('opv=');
  const clickId = new URL(click.headers().location).searchParams.get('opc');
  expect(clickId).toMatch(/^clk_/);

  // ── The vendor's backend reports the sign-up with the click id (tracking API, API key).
  const lead = await owner.request.post('/api/v1/track/lead', {
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': `lead-${stamp}` },
    data: { customer: { externalId: stripeCustomer, email: customerEmail }, clickId },
  });
  expect(lead.status(), await lead.text()).toBeLessThan(300);
  expect((await lead.json()).conversion.partnerName).toBe('Northwind Consulting');

  // ── Stripe reports the first invoice paid ($499.00), signed with the endpoint's secret.
  const event = JSON.parse(readFileSync(CORPUS, 'utf8'));
  event.id = `evt_E2E${stamp}`;
  Object.assign(event.data.object, {
    id: `in_E2E${stamp}`,
    charge: `ch_E2E${stamp}`,
    customer: stripeCustomer,
    customer_email: customerEmail,
    amount_due: 49900,
    amount_paid: 49900,
    currency: 'usd',
    billing_reason: 'subscription_create',
  });
  const payload = JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: signingSecret });
  const stripe = await request.newContext({ baseURL }); // Stripe's servers: no cookies
  const delivered = await stripe.post(new URL(endpoint.webhookUrl).pathname, {
    headers: { 'stripe-signature': signature, 'content-type': 'application/json' },
    data: payload,
  });
  expect(delivered.status(), await delivered.text()).toBe(200);

  // ── A pending commission (30 % of the first payment) appears in the console.
  await owner.goto('/app/commissions');
  const commissionRow = owner.getByRole('row').filter({ hasText: 'Northwind Consulting' }).filter({ hasText: '$149.70' });
  await expect(async () => {
    await owner.reload();
    await expect(commissionRow.first()).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(commissionRow.first()).toContainText(/pending/i);
  // The review queue narrows to one partner through the searchable partner filter.
  await owner.getByRole('button', { name: 'Filter by partner' }).click();
  await owner.getByRole('combobox', { name: 'Search partners' }).fill('northw');
  await owner.getByRole('option', { name: /Northwind Consulting/ }).click();
  await expect(owner.getByRole('button', { name: 'Filter by partner' })).toHaveText('Northwind Consulting');
  await expect(owner.getByRole('row').filter({ hasText: 'Atlas Digital' })).toHaveCount(0);
  await expect(commissionRow.first()).toBeVisible();

  // ── The 30-day hold passes: move the server's clock and run the release.
  await postJson(stripe, '/api/test/clock', { 'content-type': 'application/json' }, { advanceMs: 31 * 86_400_000 });
  await postJson(owner.request, '/api/v1/commission-accruals/run', headers, {});
  // It leaves the review queue; the ledger shows it approved, ready for the next payout.
  await owner.reload();
  await owner.getByRole('tab', { name: 'Ledger' }).click();
  await expect(commissionRow.first()).toContainText(/approved/i);

  // ── Finance computes, approves and pays a payout run for the referral program.
  await owner.goto('/app/payouts');
  await owner.getByRole('button', { name: 'New payout run' }).first().click();
  await owner.getByLabel('Program').selectOption({ label: 'Referral Partners' });
  await owner.getByRole('button', { name: 'Compute draft' }).click();
  await expect(owner.getByRole('heading', { name: /Payout run #\d+/ })).toBeVisible();
  await owner.getByRole('button', { name: 'Approve run' }).click();
  await owner.getByRole('button', { name: 'Execute payouts' }).click();
  // The payouts are sent in the background; the page follows them until none is queued.
  const northwindPayout = owner.getByRole('row').filter({ hasText: 'Northwind Consulting' });
  await expect(northwindPayout.first()).toContainText(/Processing|Paid/, { timeout: 15_000 });
  await expect(owner.getByText(/still queued/)).toHaveCount(0, { timeout: 15_000 });
  const markPaid = owner.getByRole('button', { name: 'Mark payout to Northwind Consulting as paid' });
  if (await markPaid.isVisible().catch(() => false)) {
    await markPaid.click();
    await owner.getByLabel('Payment reference').fill(`WISE-${stamp}`);
    await owner.getByRole('button', { name: 'Mark as paid' }).click();
  }
  await expect(northwindPayout.first()).toContainText(/Paid/); // the status badge ("Mark as paid" is lower case)

  // ── Priya downloads her statement; it lists the commission.
  await partner.goto('/portal/payouts');
  const newest = partner.getByRole('list', { name: 'My payouts' }).getByRole('article').first();
  await expect(newest).toContainText(/paid/i);
  const [download] = await Promise.all([partner.waitForEvent('download'), newest.getByRole('button', { name: /as CSV/ }).click()]);
  const statement = readFileSync(await download.path(), 'utf8');
  expect(statement).toContain('149.70');
  expect(statement).not.toContain(customerEmail);

  // ── Priya disputes the statement; finance resolves it with an adjustment; she reads the answer.
  const statementNumber = (await newest.getAttribute('aria-label'))?.replace('Payout ', '') ?? '';
  await newest.getByRole('button', { name: `Dispute statement ${statementNumber}` }).click();
  await partner.getByLabel('What is it about?').selectOption('wrong_amount');
  // The statement's own line can be named (the dialog lists them; the default is the whole statement).
  const whichLine = partner.getByLabel('Which line of the statement');
  await expect(whichLine.locator('option', { hasText: '$149.70' })).toHaveCount(1);
  await whichLine.selectOption({ label: (await whichLine.locator('option', { hasText: '$149.70' }).textContent()) ?? '' });
  await partner.getByLabel('Details').fill(`The E2E ${stamp} sale was on the Pro plan at 35 %, not 30 %.`);
  await partner.getByLabel(/Amount you expected/).fill('174.65');
  await partner.getByRole('button', { name: 'Send dispute' }).click();
  const myDisputes = partner.getByRole('list', { name: 'My disputes' });
  await expect(myDisputes).toContainText('Waiting for an answer');
  await expect(myDisputes).toContainText(`Statement ${statementNumber} (one line)`);

  await owner.goto('/app/payouts');
  await owner.getByRole('tab', { name: /Disputes/ }).click();
  const disputeRow = owner.getByRole('row').filter({ hasText: statementNumber });
  await disputeRow.getByRole('button', { name: 'Resolve the dispute of Northwind Consulting' }).click();
  await owner.getByLabel('Answer').fill('Agreed: the Pro plan pays 35 % in its first month. The difference is in your next payout.');
  await owner.getByLabel(/Adjustment/).fill('24.95');
  await owner.getByRole('button', { name: 'Resolve', exact: true }).click();
  await expect(disputeRow).toHaveCount(0); // it left the open queue

  await partner.reload();
  await expect(myDisputes.getByRole('listitem').filter({ hasText: statementNumber })).toContainText('$24.95 added to your next payout');

  await stripe.dispose();
  await visitorContext.close();
  await partnerContext.close();
  await ownerContext.close();
});
