import {
  createLogger,
  createTelemetry,
  loadConfig,
  openBlobStore,
  openDatabase,
  openRunCache,
  openRunEventBus,
  requireSharedBackends,
} from '@agent-runtime/core';
import { createWorker } from '@agent-runtime/worker';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';

// A worker process with one LangGraph graph registered, for kill -9 tests: each node of
// `fetcher` asks the test's server (LANGGRAPH_TEST_URL) for its part, so the test sees which
// node runs when, and can hold one in flight while it kills this process.
const base = process.env.LANGGRAPH_TEST_URL ?? '';

async function part(node: string, topic: string): Promise<string> {
  const response = await fetch(`${base}/${node}?topic=${encodeURIComponent(topic)}`);
  return response.text();
}

const Article = Annotation.Root({ topic: Annotation<string>, outline: Annotation<string>, draft: Annotation<string> });

const fetcher = new StateGraph(Article)
  .addNode('plan', async (state) => ({ outline: await part('plan', state.topic) }))
  .addNode('write', async (state) => ({ draft: `${await part('write', state.topic)} after ${state.outline}` }))
  .addEdge(START, 'plan')
  .addEdge('plan', 'write')
  .addEdge('write', END)
  .compile();

const config = requireSharedBackends(loadConfig(process.env));
const logger = createLogger(config.LOG_LEVEL, 'langgraph-test-worker');
const database = await openDatabase({ kind: 'postgres', url: config.DATABASE_URL, poolSize: 4 });
const { worker } = await createWorker({
  config,
  db: database.db,
  logger,
  blobs: openBlobStore(config),
  bus: openRunEventBus(config, logger),
  runCache: openRunCache(config, database.db, logger),
  temporalAddress: config.TEMPORAL_ADDRESS,
  telemetry: createTelemetry(config, 'langgraph-test-worker'),
  shutdownOnSignals: true,
  graphs: { fetcher },
});
await worker.run();
