import { AppError } from '../../server/platform/errors.ts';
import { DEMO_OWNER, databaseIsEmpty, seedDemo } from '../../server/seed/demo.ts';
import { withServices } from './shared.ts';

export async function seed(opts: { demo?: boolean }): Promise<void> {
  if (!opts.demo) throw new AppError('bad_request', 'Say what to seed: `openprm seed --demo`');
  await withServices(async (s) => {
    if (!(await databaseIsEmpty(s))) {
      process.stdout.write('Note: the database already has workspaces; adding the demo workspace beside them.\n');
    }
    const { workspaceId } = await seedDemo(s);
    process.stdout.write(`Demo workspace ${workspaceId} created. Sign in as ${DEMO_OWNER.email} / ${DEMO_OWNER.password}.\n`);
  });
}
