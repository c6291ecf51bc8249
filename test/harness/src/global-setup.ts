import { closeSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import { uncappedDevServerConfig } from '@agent-runtime/embedded';
import type { TestProject } from 'vitest/node';
import { startS3Server, type S3Endpoint } from './s3-server.ts';
import { startTestServices } from './services.ts';
import { createTestLogFile, fileLogger } from './test-logs.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test PostgreSQL server's admin connection string. */
    postgresUrl: string;
    /** `host:port` of the test Temporal dev server. */
    temporalAddress: string;
    /** The test S3 server (`rclone serve s3`, about 50 ms to start) and its bucket. */
    s3: S3Endpoint;
    /** This run's log file, where the services the tests start write (see test-logs.ts). */
    testLogFile: string;
  }
}

/** Starts the real services once for the whole test run; tests read them with `inject`. */
export default async function setup(project: TestProject) {
  // Without the dev server's one-shard poll cap, every test file sharing the server is not
  // held to about 20 workflow tasks a second in total (the embedded runtime lifts it too).
  const logFile = await createTestLogFile();
  const log = openSync(logFile, 'a');
  const s3 = await startS3Server();
  const services = await startTestServices({
    temporalDynamicConfig: uncappedDevServerConfig,
    logger: fileLogger(log, 'temporal-dev-server'),
  }).catch(async (error: unknown) => {
    await s3.stop();
    throw error;
  });
  project.provide('postgresUrl', services.postgres.url);
  project.provide('temporalAddress', services.temporal.address);
  const { endpoint, region, accessKeyId, secretAccessKey, bucket } = s3;
  project.provide('s3', { endpoint, region, accessKeyId, secretAccessKey, bucket });
  project.provide('testLogFile', logFile);
  return async () => {
    await Promise.all([services.stop(), s3.stop()]);
    closeSync(log);
    if (statSync(logFile).size > 0) {
      process.stdout.write(`Logs of the services the tests started: ${path.relative(process.cwd(), logFile)}\n`);
    }
  };
}
