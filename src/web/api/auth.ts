/**
 * Calls to better-auth (/api/auth/*). They are not part of the OpenAPI document, so they go
 * through plain fetch; errors are turned into the same ApiError as the rest of the API.
 */
import { toApiError } from './problem';

async function post<T>(path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/auth${path}`, {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
  } catch {
    throw toApiError(undefined);
  }
  const text = await response.text();
  const json: unknown = text ? safeJson(text) : null;
  if (!response.ok) throw toApiError(json, response);
  return json as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

export const auth = {
  signUp: (input: { name: string; email: string; password: string }) => post('/sign-up/email', input),
  signIn: (input: { email: string; password: string }) => post('/sign-in/email', input),
  /** Sends a one-time sign-in link; `callbackURL` is where the link lands after verifying. */
  magicLink: (input: { email: string; callbackURL: string; errorCallbackURL?: string; name?: string }) =>
    post('/sign-in/magic-link', input),
  signOut: () => post('/sign-out'),
};
