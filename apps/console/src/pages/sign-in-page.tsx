import { useEffect, useState, type FormEvent } from 'react';
import type { Credential } from '../session/credential.ts';
import { fetchSettings, startOidcSignIn, type ConsoleSettings } from '../session/oidc.ts';

/** Sign-in: an API key, or the organisation's sign-in (OIDC with PKCE) when the API accepts its tokens. */
export function SignInPage({
  onSignIn,
  error,
}: {
  readonly onSignIn: (credential: Credential) => Promise<void>;
  readonly error: string | undefined;
}) {
  const [apiKey, setApiKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [settings, setSettings] = useState<ConsoleSettings>({ oidc: null });
  const [oidcError, setOidcError] = useState<string>();

  useEffect(() => {
    void fetchSettings().then(setSettings, () => undefined);
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    await onSignIn({ kind: 'api-key', apiKey: apiKey.trim() });
    setBusy(false);
  };

  return (
    <main id="main" className="sign-in">
      <h1>Agent Runtime console</h1>
      <form onSubmit={(event) => void submit(event)} aria-describedby={error ? 'sign-in-error' : undefined}>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          placeholder="ar_…"
          required
          value={apiKey}
          onChange={(event) => setApiKey(event.target.value)}
        />
        <button type="submit" disabled={busy || apiKey.trim() === ''}>
          Sign in with the key
        </button>
      </form>
      {settings.oidc && (
        <p>
          <button
            type="button"
            onClick={() => {
              const oidc = settings.oidc;
              if (oidc) void startOidcSignIn(oidc).catch((caught: unknown) => setOidcError((caught as Error).message));
            }}
          >
            Sign in with Keycloak
          </button>
        </p>
      )}
      {(error ?? oidcError) && (
        <p id="sign-in-error" role="alert" className="error">
          {error ?? oidcError}
        </p>
      )}
    </main>
  );
}
