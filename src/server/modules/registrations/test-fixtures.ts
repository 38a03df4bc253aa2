import { newId } from '../../platform/ids.ts';
import { type TestApp, call } from '../../test/harness.ts';
import { registrationExtension } from './schema.ts';

type Caller = { cookie?: string; workspaceId?: string; apiKey?: string };

/**
 * One record of each registration kind in a workspace, through the API (the extension row
 * is inserted directly: requesting one needs a partner session). For the tenancy test:
 * returns ids keyed by the path segment of their routes.
 */
export async function registrationFixtures(t: TestApp, as: Caller, workspaceId: string): Promise<Record<string, string>> {
  const ok = (res: { status: number; body: unknown }, what: string) => {
    if (res.status >= 300) throw new Error(`${what} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; conflicts: { id: string }[] };
  };
  const program = ok(await call(t, 'POST', '/api/v1/programs', { ...as, body: { name: `Deal registration ${newId('program').slice(-6)}`, partnerType: 'reseller', currency: 'EUR', status: 'active' } }), 'program').id;
  ok(await call(t, 'PUT', `/api/v1/programs/${program}/registration-policy`, { ...as, body: { requiredFields: [] } }), 'policy');
  const partners: string[] = [];
  for (const name of ['Fixture One', 'Fixture Two']) {
    const id = ok(await call(t, 'POST', '/api/v1/partners', { ...as, body: { name: `${name} ${newId('partner').slice(-6)}`, type: 'reseller' } }), 'partner').id;
    ok(await call(t, 'POST', `/api/v1/partners/${id}/enrollments`, { ...as, body: { programId: program } }), 'enrollment');
    partners.push(id);
  }
  const domain = `fixture-${newId('account').slice(-8).toLowerCase()}.example`;
  const first = ok(await call(t, 'POST', '/api/v1/registrations', { ...as, body: { partnerId: partners[0], programId: program, account: { name: 'Fixture Customer', domain } } }), 'registration');
  const second = ok(await call(t, 'POST', '/api/v1/registrations', { ...as, body: { partnerId: partners[1], programId: program, account: { name: 'Fixture Customer', domain } } }), 'registration');
  ok(await call(t, 'POST', `/api/v1/registrations/${first.id}/approve`, { ...as, body: {} }), 'approve');
  const extensionId = newId('registrationExtension');
  await t.services.db.insert(registrationExtension).values({ id: extensionId, workspaceId, registrationId: first.id, status: 'requested', days: 30, reason: 'fixture' });
  const link = ok(await call(t, 'POST', `/api/v1/partners/${partners[0]}/registration-links`, { ...as, body: { programId: program } }), 'link');
  return {
    registrations: first.id,
    conflicts: second.conflicts[0].id,
    'registration-extensions': extensionId,
    'registration-links': link.id,
    programs: program,
    partners: partners[0],
  };
}
