import { asSchema, type LanguageModel, type ModelMessage, type ToolSet } from 'ai';
import type { ConversationMessage, ModelReply } from '../../messages.ts';
import { callLanguageModel } from '../../models/ai-sdk-model.ts';
import type { ModelCallContext, ModelToolDefinition } from '../../models/model-call.ts';
import { ToolError, type Tool, type ToolOutcome } from '../../tools/tool.ts';

/**
 * An agent written with the Vercel AI SDK, registered in the worker by name
 * (`createWorker({ aiSdkAgents: { name: agent } })`) and named by specs as
 * `{ "kind": "ai-sdk", "name": … }`. The runtime runs its loop: each call of `model` is one
 * durable model step (streamed, retried by Temporal), each `execute` of one of `tools` one
 * durable tool step (approvals, timeouts, result recorded once).
 */
export interface AiSdkAgent {
  /** The model every step calls, e.g. `createOpenAICompatible({ … }).chatModel('llama3.2')`. */
  readonly model: LanguageModel;
  /** The system prompt; without one, the spec's `instructions`. */
  readonly system?: string;
  /** Tools by the name the model calls them under, made with `tool({ description, inputSchema, execute })`. */
  readonly tools?: ToolSet;
}

/** One tool of an AI SDK agent's tool set. */
export type AiSdkTool = ToolSet[string];

/** A tool's description; a description function gets an empty tool context. */
function descriptionOf(tool: AiSdkTool): string {
  const { description } = tool;
  return (typeof description === 'function' ? description({ context: {} }) : description) ?? '';
}

/** The JSON Schema of an AI SDK tool's input (`zod`, `jsonSchema(…)`, or any Standard Schema). */
async function inputSchemaOf(tool: AiSdkTool): Promise<Record<string, unknown>> {
  const schema = await asSchema(tool.inputSchema).jsonSchema;
  return schema as Record<string, unknown>;
}

/** The agent's own tools as a model is told about them, under their registered names. */
export async function aiSdkAgentToolsOf(agent: AiSdkAgent): Promise<ModelToolDefinition[]> {
  return Promise.all(
    Object.entries(agent.tools ?? {}).map(async ([name, tool]) => ({
      name,
      description: descriptionOf(tool),
      inputSchema: await inputSchemaOf(tool),
    })),
  );
}

/** The label of an agent's model in failure messages. */
function labelOf(name: string, model: LanguageModel): string {
  const id = typeof model === 'string' ? model : `${model.provider} ${model.modelId}`;
  return `AI SDK agent "${name}" (model ${id})`;
}

/** What one model step of an AI SDK agent gets besides the model call's context. */
export interface AiSdkAgentStepRequest {
  readonly name: string;
  readonly agent: AiSdkAgent;
  /** The spec's `instructions`, used when the agent has no `system` prompt. */
  readonly instructions?: string | undefined;
  readonly messages: readonly ConversationMessage[];
  /**
   * The spec's tools as a model is told about them; offered next to the agent's own (an agent
   * tool of the same name wins).
   */
  readonly specTools: readonly ModelToolDefinition[];
}

/**
 * One model step of an AI SDK agent: exactly one call of its model (streamed, provider
 * retries off), offered its tools without `execute`, so each tool call comes back to the
 * runtime and runs as its own durable tool step.
 * @throws ModelCallError for every model failure
 */
export async function callAiSdkAgent(request: AiSdkAgentStepRequest, context: ModelCallContext): Promise<ModelReply> {
  const own = await aiSdkAgentToolsOf(request.agent);
  const ownNames = new Set(own.map((tool) => tool.name));
  return callLanguageModel(
    {
      model: request.agent.model,
      label: labelOf(request.name, request.agent.model),
      instructions: request.agent.system ?? request.instructions,
      messages: request.messages,
      tools: [...own, ...request.specTools.filter((tool) => !ownNames.has(tool.name))],
    },
    context,
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The last value of a streaming `execute` (an async iterable of preliminary results), or the value itself. */
async function finalValueOf(result: unknown): Promise<unknown> {
  if (result === null || typeof result !== 'object' || !(Symbol.asyncIterator in result)) return result;
  let last: unknown;
  for await (const value of result as AsyncIterable<unknown>) last = value;
  return last;
}

/**
 * An AI SDK tool as the runtime calls it in a tool step. Input is validated by the tool's
 * own schema (zod or JSON Schema) before `execute` sees it: a mismatch goes back to the model
 * as `invalid_tool_input`. `execute` gets the call's id and the step's abort signal. A
 * {@link ToolError} it throws goes back to the model; any other failure is thrown, so
 * Temporal retries the step and, when attempts run out, the model gets `tool_failed`.
 */
export function aiSdkToolOf(name: string, tool: AiSdkTool, callId: string): Tool {
  return {
    name,
    description: descriptionOf(tool),
    // Any input passes here: `invoke` checks it with the tool's own validator (zod refinements too).
    inputSchema: {},
    async invoke(rawInput, context): Promise<ToolOutcome> {
      const { execute } = tool;
      if (!execute) {
        return { ok: false, error: { code: 'unknown_tool', message: `AI SDK tool "${name}" has no execute` } };
      }
      const schema = asSchema(tool.inputSchema);
      let input: unknown = rawInput;
      if (schema.validate) {
        const validated = await schema.validate(rawInput);
        if (!validated.success) {
          return {
            ok: false,
            error: {
              code: 'invalid_tool_input',
              message: `input does not match the schema of tool "${name}": ${messageOf(validated.error)}`,
            },
          };
        }
        input = validated.value;
      }
      try {
        const messages: ModelMessage[] = [];
        const output = await finalValueOf(
          await execute(input, { toolCallId: callId, messages, abortSignal: context.signal, context: {} }),
        );
        // `undefined` is not JSON: recorded as null.
        return { ok: true, output: output ?? null };
      } catch (error) {
        if (error instanceof ToolError) return { ok: false, error: { code: error.code, message: error.message } };
        throw error;
      }
    },
  };
}
