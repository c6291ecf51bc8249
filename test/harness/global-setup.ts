import { uncappedDevServerConfig } from '@agent-runtime/embedded';
import type { TestProject } from 'vitest/node';
import { startTestServices } from './services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test PostgreSQL server's admin connection string. */
    postgresUrl: string;
    /** `host:port` of the test Temporal dev server. */
    temporalAddress: string;
  }
}

/** Starts the real services once for the whole test run; tests read them with `inject`. */
export default async function setup(project: TestProject) {
  // Without the dev server's one-shard poll cap, every test file sharing the server is not
  // held to about 20 workflow tasks a second in total (the embedded runtime lifts it too).
  const services = await startTestServices({ temporalDynamicConfig: uncappedDevServerConfig });
  project.provide('postgresUrl', services.postgres.url);
  project.provide('temporalAddress', services.temporal.address);
  return () => services.stop();
}
