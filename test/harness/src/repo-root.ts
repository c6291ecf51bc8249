import { fileURLToPath } from 'node:url';

/** The repository's root: the working directory `./scripts/start.sh` runs the runtime in. */
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
