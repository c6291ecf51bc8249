import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection, type DataConverter } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';

/** Options of {@link connectTemporalClient}. */
export interface ConnectTemporalClientOptions {
  /**
   * The process's data converter (`createDataConverter` of `@agent-runtime/core`): the
   * client must read and write payloads the way the workers do.
   */
  readonly dataConverter: DataConverter;
  /** How long to wait for the frontend to answer. @default 60000 */
  readonly timeoutMs?: number;
}

/**
 * Connects a Temporal client, waiting until the frontend answers (a server that was just
 * started, or restarted, takes a moment). Workflows it starts continue the caller's trace
 * (a no-op while the process registers no tracer provider).
 */
export async function connectTemporalClient(
  address: string,
  namespace: string,
  options: ConnectTemporalClientOptions,
): Promise<Client> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.workflowService.getSystemInfo({});
      return new Client({
        connection,
        namespace,
        dataConverter: options.dataConverter,
        interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
      });
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Temporal at ${address} did not answer in time`, { cause: error });
      await delay(250);
    }
  }
}
