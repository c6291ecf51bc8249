import { runWorkerProcess } from '@agent-runtime/worker';
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

await runWorkerProcess({ serviceName: 'langgraph-test-worker', graphs: { fetcher } });
