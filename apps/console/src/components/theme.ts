/** The colour scheme the person chose: light, dark, or the system's. */
export type Theme = 'system' | 'light' | 'dark';

const storageKey = 'agent-runtime.console.theme';

/** The stored choice. */
export function storedTheme(): Theme {
  const stored = localStorage.getItem(storageKey);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

/** Applies and stores the choice (the stylesheet reads `data-theme`). */
export function setTheme(theme: Theme): void {
  localStorage.setItem(storageKey, theme);
  applyStoredTheme();
}

/** Applies the stored choice to the document. */
export function applyStoredTheme(): void {
  const theme = storedTheme();
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}
