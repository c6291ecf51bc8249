import { fileURLToPath } from 'node:url';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { AiSdkPlugin } from '@temporalio/ai-sdk';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Peer, PeerContext } from '../../peer-contract.ts';
import { versionOf } from '../versions.ts';
import * as activities from './activities.ts';

/** Plain Temporal with @temporalio/ai-sdk: worker and client in this process, the bench's dev server. */
export async function startTemporalAiSdkPeer(context: PeerContext): Promise<Peer> {
  const taskQueue = `peers-ai-sdk-${process.pid}`;
  const version = `@temporalio/ai-sdk ${versionOf('@temporalio/ai-sdk')}, @temporalio/worker ${versionOf('@temporalio/worker')}, ai ${versionOf('ai')}; the bench's Temporal dev server`;
  const provider = createOpenAICompatible({ name: 'echo', baseURL: context.modelBaseUrl });
  const workerConnection = await NativeConnection.connect({ address: context.temporalAddress });
  const worker = await Worker.create({
    connection: workerConnection,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
    activities,
    plugins: [new AiSdkPlugin({ modelProvider: provider })],
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: context.temporalAddress });
  const client = new Client({ connection });
  return {
    name: 'Temporal + @temporalio/ai-sdk',
    version,
    durability:
      'Temporal history (dev server: SQLite in memory here; a cluster fsyncs its store): each model call and tool call is an activity, its result recorded before the next step',
    lacks:
      'no run/event store, API, streaming to clients, tenants or approvals; a tool that ran but whose completion was not recorded runs again (no idempotency key)',
    async run(key, steps) {
      await client.workflow.execute('echoAgent', { taskQueue, workflowId: `ai-sdk-${key}`, args: [key, steps] });
    },
    async stop() {
      worker.shutdown();
      await running;
      await workerConnection.close();
      await connection.close();
    },
  };
}
