// The echo agent as a LangGraph.js graph, served by @langchain/langgraph-api: a model node
// (ChatOpenAI against the bench's echo model) and a tool node with the echo tool, looping
// until the model answers without a tool call.
import { AIMessage } from '@langchain/core/messages';
import type { RunnableConfig } from '@langchain/core/runnables';
import { tool } from '@langchain/core/tools';
import { END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import { ChatOpenAI } from '@langchain/openai';

const echo = tool(async ({ text }: { text: string }) => text, {
  name: 'echo',
  description: 'Echoes its text',
  schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
});

async function callModel(state: typeof MessagesAnnotation.State, config: RunnableConfig) {
  const configurable = (config.configurable ?? {}) as { steps?: number; modelBaseUrl?: string };
  const model = new ChatOpenAI({
    model: `echo-${configurable.steps ?? 1}`,
    apiKey: 'bench',
    configuration: { baseURL: configurable.modelBaseUrl ?? '' },
    maxRetries: 0,
  }).bindTools([echo]);
  return { messages: [await model.invoke(state.messages)] };
}

function next(state: typeof MessagesAnnotation.State) {
  const last = state.messages.at(-1);
  return last instanceof AIMessage && (last.tool_calls?.length ?? 0) > 0 ? 'tools' : END;
}

export const graph = new StateGraph(MessagesAnnotation)
  .addNode('model', callModel)
  .addNode('tools', new ToolNode([echo]))
  .addEdge(START, 'model')
  .addConditionalEdges('model', next, ['tools', END])
  .addEdge('tools', 'model')
  .compile();
