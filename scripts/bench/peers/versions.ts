import { readFileSync } from 'node:fs';

/** The installed version of a package of this folder (read from its package.json, which `exports` may hide). */
export function versionOf(name: string): string {
  const manifest = new URL(`./node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
