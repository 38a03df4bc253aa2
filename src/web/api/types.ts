import type { components, paths } from './schema';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Responses<P extends keyof paths, M extends Method> = Operation<P, M> extends { responses: infer R } ? R : never;
type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : never;

/** JSON body of the success response of an operation. */
export type ResponseOf<P extends keyof paths, M extends Method> = JsonOf<
  Responses<P, M>[Extract<keyof Responses<P, M>, 200 | 201>]
>;
/** JSON request body of an operation. */
export type BodyOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends {
    requestBody?: { content: { 'application/json': infer B } };
  }
    ? B
    : never;
/** Query parameters of an operation. */
export type QueryOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends {
    parameters: { query?: infer Q };
  }
    ? NonNullable<Q>
    : never;
/** Item type of a list endpoint ({ data, nextCursor }). */
export type ItemOf<P extends keyof paths> = ResponseOf<P, 'get'> extends { data: (infer T)[] } ? T : never;

export type Problem = components['schemas']['Problem'];
export type Me = ResponseOf<'/api/v1/me', 'get'>;
export type WorkspaceMembership = Me['workspaces'][number];
export type PartnerMembership = Me['partnerMemberships'][number];
export type Workspace = ResponseOf<'/api/v1/workspace', 'get'>;
export type Member = ItemOf<'/api/v1/members'>;
export type MemberRole = Member['role'];
export type Invitation = ItemOf<'/api/v1/invitations'>;
export type InvitationInfo = ResponseOf<'/api/v1/invitations/by-token/{token}', 'get'>;
export type Program = ResponseOf<'/api/v1/programs/{id}', 'get'>;
export type ProgramInput = BodyOf<'/api/v1/programs', 'post'>;
export type PartnerType = Program['partnerType'];
export type ProgramStatus = Program['status'];
export type Partner = ResponseOf<'/api/v1/partners/{id}', 'get'>;
export type PartnerInput = BodyOf<'/api/v1/partners', 'post'>;
export type PartnerQuery = QueryOf<'/api/v1/partners', 'get'>;
export type PartnerImport = ResponseOf<'/api/v1/partner-imports/{id}', 'get'>;
export type Enrollment = ItemOf<'/api/v1/partners/{id}/enrollments'>;
export type PartnerUser = ItemOf<'/api/v1/partners/{id}/users'>;
export type PartnerRole = PartnerUser['role'];
export type AuditEntry = ItemOf<'/api/v1/audit-entries'>;
export type AuditQuery = QueryOf<'/api/v1/audit-entries', 'get'>;
export type ApiKey = ItemOf<'/api/v1/api-keys'>;
export type CreatedApiKey = ResponseOf<'/api/v1/api-keys', 'post'>;
export type MailMessage = ItemOf<'/api/v1/mail-outbox'>;
export type MailMessageDetail = ResponseOf<'/api/v1/mail-outbox/{id}', 'get'>;
export type PortalMe = ResponseOf<'/api/v1/portal/me', 'get'>;
export type PortalProgram = ItemOf<'/api/v1/portal/programs'>;
export type PortalTeamMember = ItemOf<'/api/v1/portal/team'>;

// Deal registration, pipeline and sharing (issue 3).
type Schemas = components['schemas'];
export type Registration = Schemas['RegistrationSummary'];
export type RegistrationDetail = Schemas['RegistrationDetail'];
export type RegistrationConflict = Schemas['Conflict'];
export type RegistrationQuery = QueryOf<'/api/v1/registrations', 'get'>;
export type RegistrationPolicy = Schemas['RegistrationPolicy'];
export type RegistrationPolicyInput = Schemas['UpdateRegistrationPolicyRequest'];
export type CustomFieldDefinition = Schemas['CustomFieldDefinition'];
export type RegistrationField = Schemas['RegistrationField'];
export type Pipeline = Schemas['Pipeline'];
export type Stage = Schemas['Stage'];
export type Deal = Schemas['Deal'];
export type DealCredit = Schemas['DealCredit'];
export type DealQuery = QueryOf<'/api/v1/deals', 'get'>;
export type SignedLink = Schemas['SignedLink'];
export type PortalRegistration = Schemas['PortalRegistration'];
export type PortalRegistrationDetail = Schemas['PortalRegistrationDetail'];
export type RegistrationForm = Schemas['RegistrationForm'];
export type PartnerDeal = Schemas['PartnerDeal'];
