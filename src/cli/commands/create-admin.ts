import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '../../server/platform/errors.ts';
import { newId } from '../../server/platform/ids.ts';
import { authUser } from '../../server/platform/schema.ts';
import { member, workspace } from '../../server/modules/workspaces/schema.ts';
import { createWorkspace } from '../../server/modules/workspaces/service.ts';
import { withServices } from './shared.ts';

export async function createAdmin(opts: { email: string; name: string; password?: string; workspace: string }): Promise<void> {
  const email = opts.email.trim().toLowerCase();
  if (!z.email().safeParse(email).success) throw new AppError('validation_failed', `--email: "${opts.email}" is not an email address`);
  if (opts.password !== undefined && opts.password.length < 10) throw new AppError('validation_failed', '--password: must be at least 10 characters');
  await withServices(async (s) => {
    let [user] = await s.db.select().from(authUser).where(eq(authUser.email, email));
    if (!user) {
      // Without a password the account signs in by email link; the random password is never shown.
      await s.auth.api.signUpEmail({ body: { email, name: opts.name, password: opts.password ?? randomBytes(24).toString('hex') } });
      [user] = await s.db.select().from(authUser).where(eq(authUser.email, email));
    }
    const sessionUser = { id: user.id, name: user.name, email: user.email, emailVerified: user.emailVerified };
    const [existing] = opts.workspace.startsWith('ws_') ? await s.db.select().from(workspace).where(eq(workspace.id, opts.workspace)) : [];
    if (opts.workspace.startsWith('ws_') && !existing) throw new AppError('not_found', `--workspace: no workspace ${opts.workspace}`);
    if (existing) {
      const [m] = await s.db
        .select()
        .from(member)
        .where(and(eq(member.workspaceId, existing.id), eq(member.userId, user.id)));
      if (m) await s.db.update(member).set({ role: 'owner' }).where(eq(member.id, m.id));
      else await s.db.insert(member).values({ id: newId('member'), workspaceId: existing.id, userId: user.id, role: 'owner' });
      process.stdout.write(`${email} is now an owner of ${existing.name} (${existing.id}).\n`);
    } else {
      const ws = await createWorkspace(s.db, sessionUser, { name: opts.workspace }, null);
      process.stdout.write(`Created workspace ${ws.name} (${ws.id}) with owner ${email}.\n`);
    }
  });
}
