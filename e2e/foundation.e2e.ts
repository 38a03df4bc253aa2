import { expect, test } from '@playwright/test';

/**
 * The foundation flow: a vendor signs up → creates a workspace and a program → adds a
 * partner and enrolls it → invites a partner user → the invitation's magic link is read
 * from the dev mail outbox → the partner signs in to the portal and sees its program, and
 * none of the other (demo) partners.
 */
test('vendor onboards a partner who signs in to the portal by email link', async ({ browser }) => {
  const stamp = Date.now();
  const vendorEmail = `vendor.${stamp}@example.com`;
  const partnerEmail = `pat.${stamp}@brightwave.example`;

  const vendor = await (await browser.newContext()).newPage();
  await vendor.goto('/app/sign-up');
  await vendor.getByLabel('Name', { exact: true }).fill('Vera Vendor');
  await vendor.getByLabel('Email', { exact: true }).fill(vendorEmail);
  await vendor.getByLabel('Password', { exact: true }).fill('correct-horse-battery');
  await vendor.getByRole('button', { name: 'Create account' }).click();

  await vendor.getByLabel('Workspace name').fill(`Brightwave ${stamp}`);
  await vendor.getByRole('button', { name: 'Create workspace' }).click();
  await expect(vendor).toHaveURL(/\/app$/);

  await vendor.getByRole('link', { name: 'Programs', exact: true }).click();
  await vendor.getByRole('button', { name: 'New program' }).click();
  await vendor.getByLabel('Program name').fill('Agency Alliance');
  await vendor.getByLabel('Partner type').selectOption('agency');
  await vendor.getByLabel('Currency').selectOption('EUR');
  await vendor.getByLabel('Status').selectOption('active');
  await vendor.getByRole('button', { name: 'Create program' }).click();
  await expect(vendor.getByText('Agency Alliance').first()).toBeVisible();

  await vendor.getByRole('link', { name: 'Partners', exact: true }).click();
  await vendor.getByRole('button', { name: 'Add partner' }).click();
  await vendor.getByLabel('Partner name').fill('Blue Harbor Studio');
  await vendor.getByLabel('Website').fill('https://www.blueharbor.example');
  await vendor.getByLabel('Partner type').selectOption('agency');
  await vendor.getByRole('button', { name: 'Save partner' }).click();
  await expect(vendor.getByRole('heading', { name: 'Blue Harbor Studio' })).toBeVisible();

  await vendor.getByRole('tab', { name: 'Programs' }).click();
  await vendor.getByRole('button', { name: 'Enroll in program' }).click();
  await vendor.getByRole('dialog').getByLabel('Program').selectOption({ label: 'Agency Alliance' });
  await vendor.getByRole('button', { name: 'Enroll', exact: true }).click();
  await expect(vendor.getByRole('cell', { name: 'Agency Alliance' })).toBeVisible();

  await vendor.getByRole('tab', { name: 'Team' }).click();
  await vendor.getByRole('button', { name: 'Invite partner user' }).click();
  const dialog = vendor.getByRole('dialog');
  await dialog.getByLabel('Email').fill(partnerEmail);
  await dialog.getByLabel('Name').fill('Pat Rivera');
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await expect(vendor.getByRole('cell', { name: partnerEmail })).toBeVisible();

  // The invitation email is delivered by a background job; the dev outbox captures it.
  await vendor.getByRole('link', { name: 'Mail outbox' }).click();
  const invitationRow = vendor.getByRole('row').filter({ hasText: partnerEmail });
  await expect(async () => {
    await vendor.reload();
    await expect(invitationRow).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await invitationRow.getByRole('link').first().click();
  const joinLink = await vendor.locator('main a[href*="/portal/join/"]').first().getAttribute('href');
  expect(joinLink).toBeTruthy();

  const partner = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })).newPage();
  await partner.goto(joinLink as string);
  await expect(partner).toHaveURL(/\/portal/);
  await expect(partner.getByText('Agency Alliance').first()).toBeVisible();
  await expect(partner.getByRole('main').getByText('Blue Harbor Studio', { exact: true })).toBeVisible();
  const portalText = (await partner.locator('body').textContent()) ?? '';
  for (const other of ['Northwind Consulting', 'Kestrel Systems', 'Bluefin Digital', 'Referral Partners']) {
    expect(portalText).not.toContain(other);
  }
});
