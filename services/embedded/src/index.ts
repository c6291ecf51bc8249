export { startEmbeddedRuntime, type EmbeddedRuntime } from './embedded-runtime.ts';
export {
  startTemporalDevServer,
  uncappedDevServerConfig,
  portAccepts,
  type TemporalDevServer,
  type TemporalDevServerOptions,
} from './temporal-dev-server.ts';
export { findTemporalCli, projectTemporalCliPath, TemporalCliNotFoundError } from './find-temporal-cli.ts';
export { connectTemporalClient, type ConnectTemporalClientOptions } from './connect-temporal.ts';
