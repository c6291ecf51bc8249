import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AgentStepRequest, AiSdkAgent, CodeAgent, ConversationMessage } from '@agent-runtime/agents';
import {
  createAgentWithSpec,
  startOpenAiCompatibleServer,
  startTestRuntime,
  waitForRun,
  type OpenAiCompatibleServer,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { Agent, handoff } from '@openai/agents';
import { OpenAIChatCompletionsModel } from '@openai/agents-openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const apiKey = 'sk-e2e-threads-51c0';

/** The three turns every adapter is taken through: the third asks about the first. */
const turns = ['my name is Ada', 'I like tea', 'what is my name?'];

/** What a stateful agent answers a turn: the name it was told in an earlier turn, if asked, and the turn count its state keeps. */
function recall(messages: readonly ConversationMessage[], state: unknown): { text: string; turn: number } {
  const turn = ((state as { turn?: number } | null | undefined)?.turn ?? 0) + 1;
  const asked = messages.findLast((message) => message.role === 'user');
  if (asked?.content !== 'what is my name?') return { text: `noted (turn ${turn})`, turn };
  const told = messages.find((message) => message.role === 'user' && message.content.startsWith('my name is '));
  return { text: `your name is ${told?.content.slice('my name is '.length) ?? 'unknown'} (turn ${turn})`, turn };
}

/** A code agent that remembers names across turns, counting turns in its state. */
const recaller: CodeAgent = ({ messages, state }) => {
  const { text, turn } = recall(messages, state);
  return { final: { text }, state: { turn } };
};

/** A LangGraph graph that keeps every line it was given in its checkpointed state. */
const Lines = Annotation.Root({
  line: Annotation<string>,
  lines: Annotation<string[]>({ reducer: (left, right) => [...left, ...right], default: () => [] }),
});
const journal = new StateGraph(Lines)
  .addNode('write', (state) => ({ lines: [state.line] }))
  .addEdge(START, 'write')
  .addEdge('write', END)
  .compile();

async function jsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** The messages of the last chat-completions request the model server received. */
function lastModelMessages(server: OpenAiCompatibleServer): { role: string; content?: unknown }[] {
  return [...(server.requests.at(-1)?.body?.messages ?? [])];
}

/**
 * Threads end to end: three turns through the API for each of the six adapter kinds, where
 * the third depends on the first (the history reaches the agent, and each adapter's state
 * carries over between turns); the thread's messages, status, listing, forks and deletion.
 */
describe('threads: multi-turn conversations', () => {
  let runtime: TestRuntime;
  let server: OpenAiCompatibleServer;
  let agentServer: Server;
  let agentUrl: string;
  const httpThreadIds: (string | null)[] = [];

  beforeAll(async () => {
    server = await startOpenAiCompatibleServer({ apiKey });
    const aiSdkModel = createOpenAICompatible({ name: 'harness', baseURL: server.baseUrl, apiKey }).chatModel('llama');
    const chatter: AiSdkAgent = { model: aiSdkModel, system: 'You chat.' };
    const openAiModel = new OpenAIChatCompletionsModel(
      new OpenAI({ baseURL: server.baseUrl, apiKey, maxRetries: 0 }),
      'llama',
    );
    const billing = new Agent({ name: 'billing', instructions: 'You are the billing specialist.', model: openAiModel });
    const triage = new Agent({
      name: 'triage',
      instructions: 'Route each question.',
      model: openAiModel,
      handoffs: [handoff(billing)],
    });
    agentServer = createServer((request, response) => {
      void (async () => {
        const body = (await jsonBody(request)) as AgentStepRequest;
        httpThreadIds.push(body.threadId);
        const { text, turn } = recall(body.messages, body.state);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ actions: [{ type: 'final', output: { text } }], state: { turn } }));
      })();
    });
    await new Promise<void>((resolve) => agentServer.listen(0, '127.0.0.1', resolve));
    agentUrl = `http://127.0.0.1:${(agentServer.address() as AddressInfo).port}/agent`;
    runtime = await startTestRuntime({
      agents: { recaller },
      graphs: { journal },
      aiSdkAgents: { chatter },
      openaiAgents: { triage },
    });
    expect((await runtime.request('POST', '/v1/secrets', { name: 'MODEL_KEY', value: apiKey })).status).toBe(201);
  });

  afterAll(async () => {
    await runtime?.stop();
    await new Promise((resolve) => agentServer?.close(resolve));
    await server?.close();
  });

  async function newThread(metadata: Record<string, string> = {}): Promise<string> {
    const created = await runtime.request('POST', '/v1/threads', { metadata });
    expect(created.status, await created.clone().text()).toBe(201);
    return ((await created.json()) as { id: string }).id;
  }

  /** Runs one turn on the thread and waits for it to end. */
  async function turn(threadId: string, agentId: string, input: unknown) {
    const created = await runtime.request('POST', `/v1/threads/${threadId}/runs`, { agentId, input });
    expect(created.status, await created.clone().text()).toBe(202);
    const run = (await created.json()) as { id: string; threadId: string };
    expect(run.threadId).toBe(threadId);
    return { id: run.id, ...(await waitForRun(runtime, run.id)) };
  }

  async function messagesOf(threadId: string): Promise<{ seq: number; runId: string; message: ConversationMessage }[]> {
    const response = await runtime.request('GET', `/v1/threads/${threadId}/messages?limit=1000`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: { seq: number; runId: string; message: ConversationMessage }[] }).items;
  }

  const modelSpec = { provider: 'openai-compatible', baseUrl: '', model: 'llama', apiKeySecret: 'MODEL_KEY' };

  it('builtin: the model sees the earlier turns, and the thread keeps the conversation in order', async () => {
    const agentId = await createAgentWithSpec(runtime, 'thread-builtin', {
      model: { ...modelSpec, baseUrl: server.baseUrl },
    });
    const threadId = await newThread({ user: 'ada' });
    server.enqueue(
      { kind: 'reply', text: 'hello Ada' },
      { kind: 'reply', text: 'tea it is' },
      { kind: 'reply', text: 'your name is Ada' },
    );
    for (const input of turns) expect((await turn(threadId, agentId, input)).status).toBe('succeeded');
    const seen = lastModelMessages(server).map((message) => `${message.role}:${String(message.content)}`);
    expect(seen).toEqual([
      'user:my name is Ada',
      'assistant:hello Ada',
      'user:I like tea',
      'assistant:tea it is',
      'user:what is my name?',
    ]);
    const messages = await messagesOf(threadId);
    expect(messages.map((item) => item.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(messages.at(-1)?.message).toEqual({ role: 'assistant', content: 'your name is Ada', toolCalls: [] });
    const thread = await (await runtime.request('GET', `/v1/threads/${threadId}`)).json();
    expect(thread).toMatchObject({ id: threadId, status: 'idle', messageCount: 6, metadata: { user: 'ada' } });
  });

  it('history policy: a window of the last messages, after a summary of the rest made by the model', async () => {
    const agentId = await createAgentWithSpec(runtime, 'thread-summary', {
      model: { ...modelSpec, baseUrl: server.baseUrl },
      history: { lastMessages: 2, summarize: true },
    });
    const threadId = await newThread();
    const contents = () => lastModelMessages(server).map((message) => String(message.content));
    server.enqueue({ kind: 'reply', text: 'hello Ada' }, { kind: 'reply', text: 'tea it is' });
    await turn(threadId, agentId, 'my name is Ada');
    await turn(threadId, agentId, 'I like tea');
    const before = server.requests.length;
    server.enqueue({ kind: 'reply', text: 'The user is called Ada.' }, { kind: 'reply', text: 'your name is Ada' });
    expect((await turn(threadId, agentId, 'what is my name?')).status).toBe('succeeded');
    // One call summarized turn 1, which the window leaves out; the step got the summary first.
    const [summarizing, answering] = server.requests.slice(before);
    expect(JSON.stringify(summarizing?.body?.messages)).toContain('user: my name is Ada');
    expect(JSON.stringify(summarizing?.body?.messages)).not.toContain('I like tea');
    expect(answering).toBe(server.requests.at(-1));
    expect(contents()).toEqual([
      '(A summary of our earlier conversation, for context.)\nThe user is called Ada.',
      'I like tea',
      'tea it is',
      'what is my name?',
    ]);
    // The next turn extends the kept summary with what its window leaves out, nothing more.
    const later = server.requests.length;
    server.enqueue({ kind: 'reply', text: 'Ada, who likes tea.' }, { kind: 'reply', text: 'you like tea' });
    expect((await turn(threadId, agentId, 'what do I like?')).status).toBe('succeeded');
    const extending = JSON.stringify(server.requests[later]?.body?.messages);
    expect(extending).toContain('The user is called Ada.');
    expect(extending).toContain('user: I like tea');
    expect(extending).not.toContain('my name is Ada');
    expect(contents()[0]).toContain('Ada, who likes tea.');
  });

  it('code: history and state carry over, so turn 3 answers from turn 1', async () => {
    const agentId = await createAgentWithSpec(runtime, 'thread-code', { agent: { kind: 'code', name: 'recaller' } });
    const threadId = await newThread();
    const outputs = [];
    for (const input of turns) outputs.push((await turn(threadId, agentId, input)).output);
    expect(outputs.at(-1)).toEqual({ text: 'your name is Ada (turn 3)' });
  });

  it('http: the agent gets the thread id, the history and its last state', async () => {
    const agentId = await createAgentWithSpec(runtime, 'thread-http', { agent: { kind: 'http', url: agentUrl } });
    const threadId = await newThread();
    httpThreadIds.length = 0;
    const outputs = [];
    for (const input of turns) outputs.push((await turn(threadId, agentId, input)).output);
    expect(outputs.at(-1)).toEqual({ text: 'your name is Ada (turn 3)' });
    expect(httpThreadIds).toEqual([threadId, threadId, threadId]);
  });

  it('ai-sdk: the agent model sees the earlier turns', async () => {
    const agentId = await createAgentWithSpec(runtime, 'thread-ai-sdk', { agent: { kind: 'ai-sdk', name: 'chatter' } });
    const threadId = await newThread();
    server.enqueue(
      { kind: 'reply', text: 'hi Ada' },
      { kind: 'reply', text: 'tea, nice' },
      { kind: 'reply', text: 'you are Ada' },
    );
    for (const input of turns) expect((await turn(threadId, agentId, input)).status).toBe('succeeded');
    const seen = lastModelMessages(server).map((message) => message.role);
    expect(seen).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(JSON.stringify(lastModelMessages(server))).toContain('my name is Ada');
  });

  it('openai-agents: the agent handed off to in turn 1 answers turn 2, with the history', async () => {
    const agentId = await createAgentWithSpec(runtime, 'thread-openai', {
      agent: { kind: 'openai-agents', name: 'triage' },
    });
    const threadId = await newThread();
    server.enqueue(
      { kind: 'reply', toolCalls: [{ name: 'transfer_to_billing', arguments: {} }] },
      { kind: 'reply', text: 'billing here, hello Ada' },
    );
    expect((await turn(threadId, agentId, turns[0])).status).toBe('succeeded');
    server.enqueue({ kind: 'reply', text: 'your name is Ada' });
    expect((await turn(threadId, agentId, turns[2])).status).toBe('succeeded');
    const last = lastModelMessages(server);
    expect(String(last[0]?.content)).toContain('billing specialist');
    expect(JSON.stringify(last)).toContain('my name is Ada');
  });

  it('langgraph: the graph goes on from the checkpoint of its last turn', async () => {
    const agentId = await createAgentWithSpec(runtime, 'thread-langgraph', {
      agent: { kind: 'langgraph', graph: 'journal' },
    });
    const threadId = await newThread();
    const outputs = [];
    for (const line of turns) outputs.push((await turn(threadId, agentId, { line })).output);
    expect((outputs.at(-1) as { lines: string[] }).lines).toEqual(turns);
  });

  it('lists and searches threads by metadata and status; another tenant cannot see them', async () => {
    const mine = await newThread({ team: 'search-test', n: '1' });
    await newThread({ team: 'search-test', n: '2' });
    const found = (await (
      await runtime.request('GET', '/v1/threads?metadata=team%3Dsearch-test&metadata=n%3D1&status=idle')
    ).json()) as { items: { id: string }[] };
    expect(found.items.map((thread) => thread.id)).toEqual([mine]);
    const patched = await runtime.request('PATCH', `/v1/threads/${mine}`, { metadata: { n: null, label: 'x' } });
    expect(await patched.json()).toMatchObject({ metadata: { team: 'search-test', label: 'x' } });
    expect((await runtime.request('GET', `/v1/threads/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await runtime.request('GET', '/v1/threads?metadata=nokey')).status).toBe(422);
  });

  it('forks a thread after a message: the fork continues from there, the source is untouched', async () => {
    const agentId = await createAgentWithSpec(runtime, 'thread-fork', { agent: { kind: 'code', name: 'recaller' } });
    const threadId = await newThread();
    await turn(threadId, agentId, 'my name is Ada');
    await turn(threadId, agentId, 'I like tea');
    const forked = await runtime.request('POST', `/v1/threads/${threadId}/fork`, { seq: 2 });
    expect(forked.status, await forked.clone().text()).toBe(201);
    const fork = (await forked.json()) as { id: string; messageCount: number; forkedFrom: unknown };
    expect(fork).toMatchObject({ messageCount: 2, forkedFrom: { threadId, seq: 2 } });
    // The fork's first turn starts from the state of the turn it branched after (turn 1).
    expect((await turn(fork.id, agentId, 'what is my name?')).output).toEqual({ text: 'your name is Ada (turn 2)' });
    expect((await messagesOf(threadId)).length).toBe(4);
    expect((await messagesOf(fork.id)).map((item) => item.seq)).toEqual([1, 2, 3, 4]);
    expect((await runtime.request('POST', `/v1/threads/${threadId}/fork`, { seq: 99 })).status).toBe(422);
  });

  it('deletes a thread with its messages and its runs', async () => {
    const agentId = await createAgentWithSpec(runtime, 'thread-delete', { agent: { kind: 'code', name: 'recaller' } });
    const threadId = await newThread();
    const { id: runId } = await turn(threadId, agentId, 'my name is Ada');
    expect((await runtime.request('DELETE', `/v1/threads/${threadId}`)).status).toBe(204);
    expect((await runtime.request('GET', `/v1/threads/${threadId}`)).status).toBe(404);
    expect((await runtime.request('GET', `/v1/threads/${threadId}/messages`)).status).toBe(404);
    // Retention (issue 12, item 7): a deleted thread's runs go with it (test/e2e/retention).
    expect((await runtime.request('GET', `/v1/runs/${runId}`)).status).toBe(404);
  });
});
