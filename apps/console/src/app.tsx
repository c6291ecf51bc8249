import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { router } from './router.tsx';
import { loadCredential, saveCredential, type Credential } from './session/credential.ts';
import { finishOidcSignIn } from './session/oidc.ts';
import { createSession, fetchPrincipal, SessionContext, bearerOf, type Principal } from './session/session.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { applyStoredTheme } from './components/theme.ts';

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, staleTime: 2_000, refetchOnWindowFocus: true } },
});

type State =
  | { readonly phase: 'checking' }
  | { readonly phase: 'signed-out'; readonly error?: string }
  | { readonly phase: 'signed-in'; readonly credential: Credential; readonly principal: Principal };

/** The console: the sign-in page until the API accepts a credential, then the pages. */
export function App() {
  const [state, setState] = useState<State>({ phase: 'checking' });

  useEffect(() => applyStoredTheme(), []);

  const signIn = useCallback(async (credential: Credential) => {
    try {
      const principal = await fetchPrincipal(await bearerOf(credential)());
      saveCredential(credential);
      setState({ phase: 'signed-in', credential, principal });
    } catch (error) {
      saveCredential(null);
      setState({ phase: 'signed-out', error: (error as Error).message });
    }
  }, []);

  useEffect(() => {
    const { pathname, search } = window.location;
    if (pathname === '/console/callback') {
      void finishOidcSignIn(new URLSearchParams(search))
        .then(async (credential) => {
          window.history.replaceState(null, '', '/console/');
          await signIn(credential);
        })
        .catch((error: unknown) => setState({ phase: 'signed-out', error: (error as Error).message }));
      return;
    }
    const stored = loadCredential();
    if (stored) void signIn(stored);
    else setState({ phase: 'signed-out' });
  }, [signIn]);

  const signOut = useCallback(() => {
    saveCredential(null);
    queryClient.clear();
    setState({ phase: 'signed-out' });
  }, []);

  const session = useMemo(
    () => (state.phase === 'signed-in' ? createSession(state.credential, state.principal, signOut) : null),
    [state, signOut],
  );

  if (state.phase === 'checking') return <p className="loading">Loading…</p>;
  if (!session) return <SignInPage onSignIn={signIn} error={state.phase === 'signed-out' ? state.error : undefined} />;
  return (
    <SessionContext.Provider value={session}>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </SessionContext.Provider>
  );
}
