import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { auth } from '../api/auth';
import { handleProblem } from '../api/problem';

/** Signs out, forgets every cached response and goes to the given sign-in page. */
export function useSignOut(to: '/app/sign-in' | '/portal/sign-in') {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return async () => {
    try {
      await auth.signOut();
    } catch (error) {
      handleProblem(error, { title: 'Could not sign out' });
      return;
    }
    queryClient.clear();
    await navigate({ to });
  };
}
