import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, type Logger } from '@agent-runtime/core';
import { findTemporalCli, startTemporalDevServer, type TemporalDevServer } from '@agent-runtime/embedded';
import { freePort } from './free-port.ts';
import { startPostgres, type PostgresServer } from './postgres-server.ts';

/** The real services a test run talks to. */
export interface TestServices {
  readonly postgres: PostgresServer;
  readonly temporal: TemporalDevServer;
  stop(): Promise<void>;
}

/** Options of {@link startTestServices}. */
export interface TestServicesOptions {
  /** Dynamic-config overrides for the Temporal dev server. @default {} */
  readonly temporalDynamicConfig?: Readonly<Record<string, string | number | boolean>>;
  /** Where the Temporal dev server's supervisor logs (restarts, orphans). @default warn to stdout */
  readonly logger?: Logger;
}

/** Starts PostgreSQL and an in-memory Temporal dev server on loopback, in parallel. */
export async function startTestServices(options: TestServicesOptions = {}): Promise<TestServices> {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-temporal-'));
  const [postgres, temporal] = await Promise.all([
    startPostgres(),
    freePort().then((port) =>
      startTemporalDevServer({
        cliPath: findTemporalCli(process.env['TEMPORAL_CLI_PATH'], process.env['PATH'] ?? ''),
        port,
        stateDir,
        logger: options.logger ?? createLogger('warn', 'temporal-dev-server'),
        ...(options.temporalDynamicConfig ? { dynamicConfig: options.temporalDynamicConfig } : {}),
      }),
    ),
  ]);
  return {
    postgres,
    temporal,
    async stop() {
      await Promise.allSettled([postgres.stop(), temporal.stop()]);
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}
