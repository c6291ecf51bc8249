import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@langchain/langgraph-api/server';
import type { Peer, PeerContext } from '../../peer-contract.ts';
import { freePort } from '../free-port.ts';
import { versionOf } from '../versions.ts';

/**
 * LangGraph's Agent Server (`@langchain/langgraph-api`, its in-memory server, as `langgraphjs
 * dev` runs it) in this process, serving the echo graph; each run is a stateless
 * `POST /runs/wait`.
 */
export async function startLangGraphPeer(context: PeerContext): Promise<Peer> {
  const version = `@langchain/langgraph-api ${versionOf('@langchain/langgraph-api')}, @langchain/langgraph ${versionOf('@langchain/langgraph')}, @langchain/openai ${versionOf('@langchain/openai')}`;
  const port = await freePort();
  // Its files (.langgraph_api/, the flushed in-memory state) go to a directory of their own.
  const cwd = await mkdtemp(path.join(tmpdir(), 'bench-langgraph-'));
  const graphPath = fileURLToPath(new URL('./graph.ts', import.meta.url));
  const { cleanup } = await startServer({
    port,
    nWorkers: 10,
    host: '127.0.0.1',
    cwd,
    graphs: { echo: `${graphPath}:graph` },
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    name: 'LangGraph Agent Server (in-memory)',
    version,
    durability:
      'in memory: runs, threads and checkpoints in process memory, written to .langgraphjs_*.json files in its directory now and then (no fsync per step); a restart loses what was not flushed',
    lacks:
      'a step is not durable when it completes (the in-memory server flushes later); a run in flight when the process dies is not resumed by itself; a tool that ran may run again; no tenants or approvals outside the graph',
    async run(key, steps) {
      const response = await fetch(`${base}/runs/wait`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          assistant_id: 'echo',
          input: { messages: [{ role: 'user', content: `run ${key}` }] },
          config: { configurable: { steps, modelBaseUrl: context.modelBaseUrl } },
        }),
      });
      if (!response.ok) throw new Error(`langgraph run: HTTP ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    },
    async stop() {
      await cleanup();
      await rm(cwd, { recursive: true, force: true });
    },
  };
}
