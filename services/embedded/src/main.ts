import { ConfigError, createLogger, loadConfig, onShutdownSignal } from '@agent-runtime/core';
import { readyBanner } from './banner.ts';
import { startEmbeddedRuntime } from './embedded-runtime.ts';
import { TemporalCliNotFoundError } from './find-temporal-cli.ts';

// Composition root of the one-command runtime.
try {
  const config = loadConfig(process.env);
  const logger = createLogger(config.LOG_LEVEL, 'agent-runtime');
  const runtime = await startEmbeddedRuntime(config, logger);
  process.stdout.write(readyBanner(runtime));

  onShutdownSignal((signal) => {
    logger.info({ signal }, 'shutting down: letting in-flight steps finish');
    runtime.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
} catch (error) {
  if (error instanceof ConfigError || error instanceof TemporalCliNotFoundError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
