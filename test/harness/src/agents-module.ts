import type { CodeAgent } from '@agent-runtime/agents';
import type { WorkerRegistrations } from '@agent-runtime/worker';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';

// An agents module (AR_AGENTS_MODULE) as a team would write one: a code agent and a LangGraph
// graph, registered by the embedded runtime at boot without a worker main of its own.

/** Multiplies `input.a` by `input.b` with the spec's calculator tool, then ends with its result. */
const multiplier: CodeAgent = ({ input, messages }) => {
  const result = messages.findLast((message) => message.role === 'tool');
  if (result?.role === 'tool') return { final: JSON.parse(result.content) as unknown };
  const { a, b } = input as { a: number; b: number };
  return {
    text: `multiplying ${a} by ${b}`,
    toolCalls: [{ id: 'product', name: 'calculator', arguments: { expression: `${a} * ${b}` } }],
  };
};

const Greeting = Annotation.Root({ name: Annotation<string>, greeting: Annotation<string> });

/** Greets `name` in one node. */
const greeter = new StateGraph(Greeting)
  .addNode('greet', (state) => ({ greeting: `hello, ${state.name}` }))
  .addEdge(START, 'greet')
  .addEdge('greet', END)
  .compile();

const registrations: WorkerRegistrations = { agents: { multiplier }, graphs: { greeter } };
export default registrations;
