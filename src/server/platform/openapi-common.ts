import { z } from '@hono/zod-openapi';

/** The problem document every error response uses (RFC 9457). */
export const ZProblem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    existingId: z.string().optional(),
  })
  .openapi('Problem');

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ZProblem } } });

export const errorResponses = {
  400: problem('Bad request'),
  401: problem('Not signed in, or the API key is not valid'),
  403: problem('Your role does not allow this'),
  404: problem('Not found (or in another workspace)'),
  422: problem('Validation failed; `errors` lists each field and reason'),
} as const;

export const conflictResponse = { 409: problem('Conflicts with an existing record; `existingId` names it when there is one') } as const;

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { content: { 'application/json': { schema } }, required: true } };
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description };
}

export const ZIdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });
export const noContent = { 204: { description: 'Done' } } as const;
