import type { LanggraphAgentSpec } from '@agent-runtime/core';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { Annotation, END, MemorySaver, START, StateGraph } from '@langchain/langgraph';
import { describe, expect, it } from 'vitest';
import { callLangGraphAgent, type LangGraphGraph } from './langgraph-agent.ts';

const Talk = Annotation.Root({ reply: Annotation<string> });

/** One node calling a chat model that streams character by character (LangChain's own fake). */
function talker(tags: string[] = []): LangGraphGraph {
  return new StateGraph(Talk)
    .addNode('talk', async () => {
      const model = new FakeListChatModel({ responses: ['Hi, otter!'] }).withConfig({ tags });
      return { reply: (await model.invoke('hello')).text };
    })
    .addEdge(START, 'talk')
    .addEdge('talk', END)
    .compile();
}

async function firstStep(graph: LangGraphGraph) {
  const tokens: string[] = [];
  const reply = await callLangGraphAgent({ kind: 'langgraph', graph: 'talker' } as LanggraphAgentSpec, graph, {
    runId: 'run-1',
    step: 1,
    input: {},
    messages: [],
    state: undefined,
    checkpointer: new MemorySaver(),
    signal: new AbortController().signal,
    onTextDelta: (text) => tokens.push(text),
  });
  return { tokens, reply };
}

describe('ModelTokenHandler in a LangGraph super-step', () => {
  it("forwards a node's chat-model tokens as they stream; they are the step's text", async () => {
    const { tokens, reply } = await firstStep(talker());
    expect(tokens.length).toBeGreaterThan(2);
    expect(tokens.join('')).toBe('Hi, otter!');
    expect(reply).toMatchObject({ text: 'Hi, otter!', final: { reply: 'Hi, otter!' } });
  });

  it('skips a model tagged nostream: the text stays the state updates as JSON', async () => {
    const { tokens, reply } = await firstStep(talker(['nostream']));
    expect(tokens).toEqual([]);
    expect(JSON.parse(reply.text)).toEqual([{ talk: { reply: 'Hi, otter!' } }]);
  });
});
