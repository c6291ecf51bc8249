import { Link, Outlet } from '@tanstack/react-router';
import { useState } from 'react';
import { useSession } from '../session/session.tsx';
import { setTheme, storedTheme, type Theme } from './theme.ts';

/** The frame of every page: a skip link, the navigation (by what the role may see), who is signed in. */
export function Shell() {
  const session = useSession();
  const [theme, setThemeState] = useState<Theme>(storedTheme);
  const links = [
    { to: '/', label: 'Runs' },
    { to: '/agents', label: 'Agents' },
    { to: '/threads', label: 'Threads' },
    { to: '/approvals', label: 'Approvals' },
    { to: '/schedules', label: 'Schedules' },
    { to: '/usage', label: 'Usage' },
    { to: '/webhooks', label: 'Webhooks' },
    ...(session.canAdminister
      ? [
          { to: '/api-keys', label: 'API keys' },
          { to: '/secrets', label: 'Secrets' },
          { to: '/audit', label: 'Audit log' },
        ]
      : []),
  ] as const;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Agent Runtime</span>
        <nav aria-label="Console">
          <ul>
            {links.map((link) => (
              <li key={link.to}>
                <Link to={link.to} activeOptions={{ exact: link.to === '/' }} activeProps={{ 'aria-current': 'page' }}>
                  {link.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span title={session.principal.tenantId}>
            {session.principal.subject} · {session.principal.roles.join(', ')}
          </span>
          <label>
            <span className="visually-hidden">Colour scheme</span>
            <select
              value={theme}
              onChange={(event) => {
                const chosen = event.target.value as Theme;
                setTheme(chosen);
                setThemeState(chosen);
              }}
            >
              <option value="system">System</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
          <button type="button" onClick={session.signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
