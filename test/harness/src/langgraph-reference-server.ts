import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { MemorySaver } from '@langchain/langgraph';
import { createEmbedServer, type ThreadSaver } from '@langchain/langgraph-api/experimental/embed';

/** LangGraph's own in-memory Agent Server, serving graphs on loopback: the reference a differential test compares with. */
export interface LangGraphReferenceServer {
  readonly url: string;
  close(): Promise<void>;
}

type EmbedGraphs = Parameters<typeof createEmbedServer>[0]['graph'];
type StoredThread = Awaited<ReturnType<ThreadSaver['get']>>;

/** Threads in memory, as `createEmbedServer` keeps them. */
function memoryThreads(): ThreadSaver {
  const threads = new Map<string, StoredThread>();
  return {
    get: async (id) => {
      const thread = threads.get(id);
      if (!thread) throw new Error(`thread ${id} not found`);
      return thread;
    },
    set: async (id, { kind, metadata }) => {
      const thread = {
        thread_id: id,
        metadata: { ...(kind === 'patch' ? threads.get(id)?.metadata : {}), ...metadata },
      };
      threads.set(id, thread);
      return thread;
    },
    delete: async (id) => {
      threads.delete(id);
    },
  };
}

/**
 * Starts `@langchain/langgraph-api`'s embeddable server (its in-memory runs, threads and
 * checkpointer) with `graphs` on a free loopback port, offline.
 */
export async function startLangGraphReferenceServer(
  graphs: Readonly<Record<string, object>>,
): Promise<LangGraphReferenceServer> {
  // Compiled graphs of the @langchain/langgraph the caller has; its types and the server's
  // may come from different copies of the package, the same at run time.
  const app = createEmbedServer({
    graph: graphs as EmbedGraphs,
    threads: memoryThreads(),
    checkpointer: new MemorySaver(),
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
