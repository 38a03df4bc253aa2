import type { WorkspaceContext } from '../../platform/context.ts';
import { createTier } from './tiers.ts';

export const DEMO_TIERS = ['Registered', 'Silver', 'Gold'] as const;
export type DemoTier = (typeof DEMO_TIERS)[number];

/** Registered / Silver / Gold (rank 1..3) on a demo program; returns the tier ids by name. */
export async function seedDemoTiers(ctx: WorkspaceContext, programId: string): Promise<Record<DemoTier, string>> {
  const ids = {} as Record<DemoTier, string>;
  for (const name of DEMO_TIERS) ids[name] = (await createTier(ctx, programId, { name })).id;
  return ids;
}
