import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  agentStepProtocol,
  builtinTools,
  invokeTool,
  type AgentStepResult,
  type CodeAgent,
  type ConversationMessage,
  type ToolCall,
  type ToolContext,
} from '@agent-runtime/agents';

/** The name the bench registers {@link echoLoopCodeAgent} under in its worker. */
export const echoLoopAgentName = 'bench-echo-loop';

/** The run input of an echo-loop agent: how many steps call `echo` before the final answer. */
export interface EchoLoopInput {
  readonly toolSteps: number;
}

function toolStepsOf(input: unknown): number {
  const toolSteps = (input as Partial<EchoLoopInput> | null)?.toolSteps;
  if (typeof toolSteps !== 'number') throw new Error('the echo-loop agent needs { toolSteps } as its input');
  return toolSteps;
}

/**
 * The decision every adapter under test makes at `step` (from 1): one `echo` call in each of
 * the first `toolSteps` steps, then a final answer. The code agent and the HTTP agent share it,
 * so both sides of each comparison decide exactly alike.
 */
export function echoLoopDecision(step: number, input: unknown): AgentStepResult {
  if (step > toolStepsOf(input)) return { text: 'done', final: { steps: step } };
  return { toolCalls: [{ id: `echo-${step}`, name: 'echo', arguments: { step } }] };
}

/** {@link echoLoopDecision} as a code agent. */
export const echoLoopCodeAgent: CodeAgent = ({ step, input }) => echoLoopDecision(step, input);

/** A tool context for calling a tool inline, outside any run: nothing to heartbeat or save. */
export function inlineToolContext(idempotencyKey: string): ToolContext {
  return {
    idempotencyKey,
    signal: new AbortController().signal,
    heartbeat() {},
    saveArtifact() {
      return Promise.reject(new Error('no artifacts outside a run'));
    },
  };
}

/**
 * Runs `calls` with the builtin `echo` tool (validated like the runtime's tool step does),
 * appending the assistant message and one tool message per call to `messages`.
 */
export async function echoInline(
  messages: ConversationMessage[],
  text: string,
  calls: readonly ToolCall[],
  keyPrefix: string,
): Promise<void> {
  messages.push({ role: 'assistant', content: text, toolCalls: calls });
  for (const call of calls) {
    const outcome = await invokeTool(builtinTools.echo, call.arguments, inlineToolContext(`${keyPrefix}:${call.id}`));
    messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: JSON.stringify(outcome) });
  }
}

/** The echo-loop agent behind `POST /step` (agent-runtime.step/v1) on loopback. */
export interface EchoLoopHttpAgent {
  /** Base URL for a spec's `agent.url`. */
  readonly url: string;
  close(): Promise<void>;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** Starts {@link echoLoopDecision} as an HTTP agent: each `/step` answers the step's decision as actions. */
export async function startEchoLoopHttpAgent(): Promise<EchoLoopHttpAgent> {
  const server: Server = createServer((request, response) => {
    readJson(request)
      .then((body) => {
        const { protocol, step, input } = body as { protocol?: string; step?: number; input?: unknown };
        if (request.url !== '/step' || protocol !== agentStepProtocol || typeof step !== 'number') {
          response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"not a v1 step"}');
          return;
        }
        const decision = echoLoopDecision(step, input);
        const actions = [
          ...(decision.text ? [{ type: 'text', text: decision.text }] : []),
          ...(decision.toolCalls ?? []).map((call) => ({ type: 'tool_call', ...call })),
          ...(decision.final === undefined ? [] : [{ type: 'final', output: decision.final }]),
        ];
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ actions }));
      })
      .catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) }));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
