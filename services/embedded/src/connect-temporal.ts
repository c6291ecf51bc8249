import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';

/**
 * Connects a Temporal client, waiting until the frontend answers (a server that was just
 * started, or restarted, takes a moment).
 */
export async function connectTemporalClient(address: string, namespace: string, timeoutMs = 60_000): Promise<Client> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.workflowService.getSystemInfo({});
      return new Client({ connection, namespace });
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Temporal at ${address} did not answer in time`, { cause: error });
      await delay(250);
    }
  }
}
