import { DBOS } from '@dbos-inc/dbos-sdk';
import type { Peer, PeerContext } from '../../peer-contract.ts';
import { callModel, echo, type ChatMessage } from '../chat-loop.ts';
import { versionOf } from '../versions.ts';

/**
 * DBOS Transact on the bench's PostgreSQL (a database of its own): the echo agent as a DBOS
 * workflow whose model calls and echo calls are steps, checkpointed in DBOS's system tables.
 */
export async function startDbosPeer(context: PeerContext): Promise<Peer> {
  const version = `@dbos-inc/dbos-sdk ${versionOf('@dbos-inc/dbos-sdk')}; the bench's PostgreSQL`;
  const systemDatabaseUrl = await context.createDatabase(`bench_dbos_${Date.now()}`);
  const modelBaseUrl = context.modelBaseUrl;
  async function echoAgent(key: string, steps: number): Promise<string> {
    const messages: ChatMessage[] = [{ role: 'user', content: `run ${key}` }];
    for (let step = 0; step <= steps; step += 1) {
      const reply = await DBOS.runStep(() => callModel(modelBaseUrl, `echo-${steps}`, messages), { name: 'model' });
      messages.push(reply);
      if (!reply.tool_calls?.length) return reply.content ?? '';
      for (const call of reply.tool_calls) {
        const result = await DBOS.runStep(() => echo(call.function.arguments), { name: 'echo' });
        messages.push({ role: 'tool', tool_call_id: call.id, content: result });
      }
    }
    return '';
  }
  const workflow = DBOS.registerWorkflow(echoAgent, { name: 'echoAgent' });
  DBOS.setConfig({ name: 'bench-peers', applicationVersion: '0.1.0', systemDatabaseUrl });
  await DBOS.launch();
  return {
    name: 'DBOS Transact',
    version,
    durability:
      'PostgreSQL (the same server, fsync on): the workflow’s input and each step’s output written in its own transaction as it completes; the loop itself runs in this process',
    lacks:
      'a step that ran but whose checkpoint was not written runs again on recovery (no idempotency key); recovery of a crashed process’s workflows waits for that process (or an admin) to restart them; no API, streaming, tenants or approvals',
    async run(key, steps) {
      const handle = await DBOS.startWorkflow(workflow)(key, steps);
      await handle.getResult();
    },
    async stop() {
      await DBOS.shutdown();
    },
  };
}
