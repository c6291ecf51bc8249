import {
  startLangGraphReferenceServer,
  startTestRuntime,
  type LangGraphReferenceServer,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { Client } from '@langchain/langgraph-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** research → plan → write: three super-steps, last-value channels. */
const Essay = Annotation.Root({
  topic: Annotation<string>,
  facts: Annotation<string[]>,
  outline: Annotation<string>,
  draft: Annotation<string>,
});
const essay = new StateGraph(Essay)
  .addNode('research', (state) => ({ facts: [`${state.topic} swim`, `${state.topic} eat fish`] }))
  .addNode('plan', (state) => ({ outline: state.facts.map((fact, index) => `${index + 1}. ${fact}`).join(' ') }))
  .addNode('write', (state) => ({ draft: `On ${state.topic}: ${state.outline}` }))
  .addEdge(START, 'research')
  .addEdge('research', 'plan')
  .addEdge('plan', 'write')
  .addEdge('write', END)
  .compile();

type Part = { event: string; data: unknown };

/** The same SDK calls on a server: a thread, two streamed turns, the state at the end. */
async function drive(client: Client) {
  const thread = await client.threads.create();
  const turns: Part[][] = [];
  for (const topic of ['otters', 'seals']) {
    const parts: Part[] = [];
    for await (const part of client.runs.stream(thread.thread_id, 'essay', {
      input: { topic },
      streamMode: ['values', 'updates'],
    })) {
      parts.push({ event: part.event, data: part.data });
    }
    turns.push(parts);
  }
  const state = await client.threads.getState(thread.thread_id);
  return { turns, values: state.values };
}

/** Events without what differs by nature: the run ids of `metadata` events. */
function modIds(parts: Part[]) {
  return parts.map(({ event, data }) =>
    event === 'metadata' ? { event, data: { run_id: '<run>' } } : { event, data },
  );
}

describe('LangGraph API: the same graph and SDK calls on LangGraph’s in-memory server and on ours', () => {
  let runtime: TestRuntime;
  let reference: LangGraphReferenceServer;

  beforeAll(async () => {
    runtime = await startTestRuntime({ graphs: { essay } });
    reference = await startLangGraphReferenceServer({ essay });
    await new Client({ apiUrl: `${runtime.url}/lg`, apiKey: runtime.apiKey }).assistants.create({ graphId: 'essay' });
  });
  afterAll(async () => {
    await reference.close();
    await runtime.stop();
  });

  it('streams the same values and updates and ends at the same state', async () => {
    const theirs = await drive(new Client({ apiUrl: reference.url }));
    const ours = await drive(new Client({ apiUrl: `${runtime.url}/lg`, apiKey: runtime.apiKey }));
    expect(theirs.turns[0]?.length).toBeGreaterThan(3);
    expect(ours.turns.map(modIds)).toEqual(theirs.turns.map(modIds));
    expect(ours.values).toEqual(theirs.values);
  });
});
