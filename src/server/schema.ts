// Every table, for drizzle-kit and for the typed database handle.
export * from './platform/schema.ts';
export * from './modules/workspaces/schema.ts';
export * from './modules/programs/schema.ts';
export * from './modules/partners/schema.ts';
export * from './modules/accounts/schema.ts';
export * from './modules/deals/schema.ts';
export * from './modules/registrations/schema.ts';
export * from './modules/sharing/schema.ts';
export * from './modules/tracking/schema.ts';
export * from './modules/billing/schema.ts';
export * from './modules/commissions/schema.ts';
export * from './modules/payouts/schema.ts';
