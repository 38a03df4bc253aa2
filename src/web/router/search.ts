/** Search-param validators, kept apart from the pages so pages can load lazily. */

export interface PartnersSearch {
  q?: string;
  type?: string;
  programId?: string;
  tag?: string;
  managerId?: string;
  sort?: 'name' | '-name' | 'createdAt' | '-createdAt';
  add?: boolean;
}

const SORTS = ['name', '-name', 'createdAt', '-createdAt'] as const;

export function validatePartnersSearch(search: Record<string, unknown>): PartnersSearch {
  const str = (key: string) =>
    typeof search[key] === 'string' && search[key] !== '' ? (search[key] as string) : undefined;
  const sort = str('sort');
  return {
    q: str('q'),
    type: str('type'),
    programId: str('programId'),
    tag: str('tag'),
    managerId: str('managerId'),
    sort: SORTS.find((item) => item === sort),
    add: search.add === true || search.add === 'true' ? true : undefined,
  };
}

export type PartnerTab = 'overview' | 'programs' | 'deals' | 'team';

export function validatePartnerSearch(search: Record<string, unknown>): { tab?: PartnerTab } {
  const tab = search.tab;
  return { tab: tab === 'programs' || tab === 'team' || tab === 'deals' ? tab : undefined };
}

export interface RegistrationsSearch {
  status?: string;
  programId?: string;
  conflicts?: boolean;
}

export function validateRegistrationsSearch(search: Record<string, unknown>): RegistrationsSearch {
  const str = (key: string) =>
    typeof search[key] === 'string' && search[key] !== '' ? (search[key] as string) : undefined;
  return {
    status: str('status'),
    programId: str('programId'),
    conflicts: search.conflicts === true || search.conflicts === 'true' ? true : undefined,
  };
}

export interface PipelineSearch {
  view?: 'board' | 'list';
  partnerId?: string;
  role?: string;
  stageId?: string;
}

export function validatePipelineSearch(search: Record<string, unknown>): PipelineSearch {
  const str = (key: string) =>
    typeof search[key] === 'string' && search[key] !== '' ? (search[key] as string) : undefined;
  return {
    view: search.view === 'list' ? 'list' : undefined,
    partnerId: str('partnerId'),
    role: str('role'),
    stageId: str('stageId'),
  };
}

export type ProgramTab = 'general' | 'registration' | 'sharing' | 'commissions';

export function validateProgramSearch(search: Record<string, unknown>): { tab?: ProgramTab } {
  const tab = search.tab;
  return { tab: tab === 'registration' || tab === 'sharing' || tab === 'commissions' ? tab : undefined };
}
