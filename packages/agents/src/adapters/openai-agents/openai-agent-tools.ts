import { ModelBehaviorError, RunContext, type FunctionTool, type Handoff } from '@openai/agents-core';
import type { ToolCall } from '../../messages.ts';
import { ToolError, type Tool, type ToolOutcome } from '../../tools/tool.ts';
import { handoffNamed, openAiAgentGraphOf, type OpenAiAgent } from './openai-agent-graph.ts';

/** What the SDK answers a handoff call beside the first of one response. */
export const ignoredHandoffMessage = 'Multiple handoffs detected, ignoring this one.';

/**
 * A schema without its `$schema` dialect marker: the SDK writes draft-07 schemas from zod whose
 * keywords mean the same in 2020-12 (the runtime's validator), and some local model servers
 * reject the marker in a tool's parameters.
 */
export function withoutDialect(schema: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema'));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A function tool of an OpenAI agent as the runtime calls it in a tool step. The input was
 * validated against the tool's `parameters` already (`invokeTool`); `invoke` gets it as the
 * JSON text the SDK passes, with the call and the step's abort signal. A tool whose
 * `needsApproval` says yes runs only when the spec's policy puts its calls through approval:
 * otherwise the model gets `approval_required`. What `invoke` returns is the output (its
 * `errorFunction` turns failures into text for the model, as in the SDK); with
 * `errorFunction: null` a {@link ToolError} goes back to the model and anything else is
 * thrown, so Temporal retries the step.
 */
export function openAiFunctionToolOf(tool: FunctionTool, callId: string, approvedByPolicy: boolean): Tool {
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: withoutDialect(tool.parameters),
    async invoke(input, context): Promise<ToolOutcome> {
      const runContext = new RunContext({});
      const json = JSON.stringify(input);
      if (!approvedByPolicy && (await tool.needsApproval(runContext, input as never, callId))) {
        return {
          ok: false,
          error: {
            code: 'approval_required',
            message: `tool "${tool.name}" needs approval: give it { "requiresApproval": true } under the spec's agent.tools`,
          },
        };
      }
      try {
        const output = await tool.invoke(runContext, json, {
          toolCall: { type: 'function_call', callId, name: tool.name, arguments: json, status: 'completed' },
          signal: context.signal,
        });
        // `undefined` is not JSON: recorded as null.
        return { ok: true, output: output ?? null };
      } catch (error) {
        if (error instanceof ToolError) return { ok: false, error: { code: error.code, message: error.message } };
        throw error;
      }
    },
  };
}

/**
 * A handoff as a tool step: runs the handoff's `onInvokeHandoff` (input checked against its
 * `inputType`, then `onHandoff`), and records the SDK's transfer message `{ assistant }`,
 * which the next model step reads to switch to that agent. Input the SDK refuses goes back to
 * the model as `invalid_tool_input`; anything else `onHandoff` throws is thrown, so Temporal
 * retries the step.
 */
export function openAiHandoffToolOf(handoff: Handoff): Tool {
  return {
    name: handoff.toolName,
    description: handoff.toolDescription,
    inputSchema: withoutDialect(handoff.inputJsonSchema),
    async invoke(input): Promise<ToolOutcome> {
      try {
        const next = await handoff.onInvokeHandoff(new RunContext({}), JSON.stringify(input));
        return { ok: true, output: { assistant: next.name } };
      } catch (error) {
        if (error instanceof ModelBehaviorError) {
          return { ok: false, error: { code: 'invalid_tool_input', message: messageOf(error) } };
        }
        throw error;
      }
    },
  };
}

/** The call of an OpenAI agent's step a tool step runs, and what it needs to find its tool. */
export interface OpenAiAgentToolCall {
  /** The registered agent: the root of the handoff graph. */
  readonly root: OpenAiAgent;
  /** The agent that answered the step (its state), which owns the tool. */
  readonly agentName: string;
  readonly call: ToolCall;
  /** Every tool call of the step, in order: only the first handoff call hands off. */
  readonly stepToolCalls: readonly ToolCall[];
  /** Whether the spec's policy put this tool's calls through approval. */
  readonly approvedByPolicy: boolean;
}

/**
 * The tool of the agent that answered a step which a call names: a handoff (the first of the
 * step; later ones get the SDK's "ignoring" error) or a function tool. Undefined when the
 * agent has neither, so the spec's tools resolve the call.
 */
export function openAiAgentToolOf(request: OpenAiAgentToolCall): Tool | undefined {
  const agent = openAiAgentGraphOf(request.root).get(request.agentName);
  if (!agent) return undefined;
  const { call } = request;
  const handoff = handoffNamed(agent, call.name);
  if (handoff) {
    const first = request.stepToolCalls.find((candidate) => handoffNamed(agent, candidate.name) !== undefined);
    if (first && first.id !== call.id) {
      return {
        name: call.name,
        description: handoff.toolDescription,
        inputSchema: {},
        invoke: async () => ({ ok: false, error: { code: 'handoff_ignored', message: ignoredHandoffMessage } }),
      };
    }
    return openAiHandoffToolOf(handoff);
  }
  const tool = agent.tools.find(
    (candidate): candidate is FunctionTool => candidate.type === 'function' && candidate.name === call.name,
  );
  return tool ? openAiFunctionToolOf(tool, call.id, request.approvedByPolicy) : undefined;
}
