import { expect, type Page } from '@playwright/test';

interface MailSummary {
  id: string;
  to: string;
  subject: string;
}

/** The ids of the sign-in emails `email` has in the workspace's outbox (read by a staff member's session). */
async function signInMailIds(staff: Page, email: string): Promise<string[]> {
  const workspaceId = await staff.evaluate(() => (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem('openprm.workspace'));
  const response = await staff.request.get('/api/v1/mail-outbox?limit=200', { headers: { 'x-workspace-id': workspaceId ?? '' } });
  expect(response.ok(), `mail outbox → ${response.status()}`).toBeTruthy();
  const page = (await response.json()) as { data: MailSummary[] };
  return page.data.filter((m) => m.to === email && /sign-in link/i.test(m.subject)).map((m) => m.id);
}

/**
 * The partner asks for an emailed sign-in link on the portal; a staff member opens that very email
 * in Settings › Mail outbox (the dev outbox) and the partner follows its link. The new email is told
 * apart from sign-in emails of earlier flows by its id, so a used link is never followed.
 */
export async function signInPartnerByEmail(staff: Page, partner: Page, email: string): Promise<void> {
  await staff.goto('/app/settings/mail-outbox');
  const before = new Set(await signInMailIds(staff, email));
  await partner.goto('/portal/sign-in');
  await partner.getByLabel('Email').fill(email);
  await partner.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await expect(partner.getByText(email).first()).toBeVisible();
  let mailId = '';
  await expect(async () => {
    mailId = (await signInMailIds(staff, email)).find((id) => !before.has(id)) ?? '';
    expect(mailId, 'the new sign-in email').toBeTruthy();
  }).toPass({ timeout: 30_000 });
  await staff.goto(`/app/settings/mail-outbox/${mailId}`);
  const link = await staff.locator('main a[href*="magic-link"]').first().getAttribute('href');
  expect(link).toBeTruthy();
  await partner.goto(link as string);
  await expect(partner).toHaveURL(/\/portal(?!\/sign-in)/);
}
