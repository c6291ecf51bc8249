import { configVariables, ConfigError, loadConfig, requireSharedBackends } from '@agent-runtime/core';

/** Which runtime process a container runs, from its command. */
export type RuntimeRole = 'api' | 'worker' | 'migrate';

const entryPoints: Record<string, RuntimeRole> = {
  'services/api/src/main.ts': 'api',
  'services/worker/src/main.ts': 'worker',
  'services/api/src/migrate-main.ts': 'migrate',
};

/** The runtime role of a container command (`[node, services/…/main.ts]`), if it runs one. */
export function roleOfCommand(command: readonly string[] | null | undefined): RuntimeRole | undefined {
  const entry = command?.find((part) => part in entryPoints);
  return entry === undefined ? undefined : entryPoints[entry];
}

/**
 * Variables that libraries of the runtime read themselves, not `loadConfig`: the AWS SDK's
 * credential chain and region (the S3 blob store).
 */
const libraryVariables = new Set(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION']);

/**
 * What is wrong with the environment a deployment gives one runtime container: names the
 * runtime does not read (typos, leftovers), and what its process needs but lacks (the API and
 * workers: shared backends — PostgreSQL, Temporal, master keys, Redis, the S3 blob store;
 * migrate: the database), found by the runtime's own configuration parser. `environment` holds
 * every variable, secrets included (with sample values).
 */
export function runtimeEnvironmentProblems(role: RuntimeRole, environment: Record<string, string>): string[] {
  const problems = Object.keys(environment)
    .filter((name) => !configVariables.includes(name) && !libraryVariables.has(name))
    .map((name) => `${name} is not a variable packages/core/src/config.ts reads`);
  try {
    const config = loadConfig(environment);
    if (role === 'migrate') {
      if (config.DATABASE_URL === undefined) problems.push('DATABASE_URL must be set for the migrate command');
    } else {
      requireSharedBackends(config);
      if (config.REDIS_URL === undefined)
        problems.push('REDIS_URL must be set: run events reach every API instance through it');
      if (config.AR_BLOB_STORE !== 's3')
        problems.push('AR_BLOB_STORE must be s3: the API and every worker share the blob store');
    }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(error.message);
  }
  return problems;
}
