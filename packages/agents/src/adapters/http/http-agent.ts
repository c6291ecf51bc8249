import type { HttpAgentSpec } from '@agent-runtime/core';
import { z } from 'zod';
import type { ConversationMessage } from '../../messages.ts';
import { parseRetryAfter } from '../../models/model-call-error.ts';
import type { ModelToolDefinition } from '../../models/model-call.ts';
import { redactSecrets } from '../../tools/redact-secrets.ts';
import { headerTarget, resolveSecretValues, type SecretSource } from '../../tools/secret-values.ts';
import { AgentStepError, type AgentStepErrorCode } from '../agent-step-error.ts';
import { agentToolCallSchema, agentUsageSchema, toAgentReply, type AgentReply } from '../agent-reply.ts';
import { AgentTextStream, maxAgentTextChars } from '../agent-text-stream.ts';
import {
  AgentResponseTooLargeError,
  maxAgentResponseBytes,
  readAgentResponsePrefix,
  readAgentResponseText,
  readAgentStepStream,
} from './http-agent-response.ts';

/** The protocol version every `/step` request names (docs/agent-protocol.md). */
export const agentStepProtocol = 'agent-runtime.step/v1';

/** Longest part of an agent's error body kept in the run's error. */
const maxQuotedBody = 500;
/** Most bytes read of an error answer (non-2xx), to quote its start; the rest is not read. */
const maxErrorBodyBytes = 8 * 1024;

/** The body of `POST {url}/step`. */
export interface AgentStepRequest {
  readonly protocol: typeof agentStepProtocol;
  readonly runId: string;
  readonly step: number;
  readonly attempt: number;
  readonly input: unknown;
  readonly instructions: string | null;
  /** For a run on a thread, the thread's id; null otherwise. */
  readonly threadId: string | null;
  /** On a thread, its earlier turns first; then this run's conversation. */
  readonly messages: readonly ConversationMessage[];
  /** What the agent returned as `state` last (on a thread, in its last turn too); null at the first step. */
  readonly state: unknown;
  readonly tools: readonly ModelToolDefinition[];
}

/** One thing an HTTP agent does in a step. */
export const agentActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), text: z.string().max(maxAgentTextChars) }),
  z.strictObject({ type: z.literal('tool_call'), ...agentToolCallSchema.shape }),
  z.strictObject({ type: z.literal('final'), output: z.unknown() }),
]);

/** The body of a 2xx JSON answer to `POST {url}/step`, and the data of a streamed answer's `result` event. */
export const agentStepResponseSchema = z.object({
  actions: z.array(agentActionSchema).max(64),
  state: z.unknown().optional(),
  usage: agentUsageSchema.optional(),
});

/** What one `/step` call needs besides the request body. */
export interface HttpAgentCallContext {
  readonly secrets: SecretSource;
  /** Aborted when the run is cancelled or the step's attempt times out. */
  readonly signal: AbortSignal;
  /** Receives the text of a streamed answer's `delta` events as they arrive. @default none */
  readonly onTextDelta?: ((text: string) => void) | undefined;
}

function statusError(status: number, message: string, retryAfterMs: number | undefined): AgentStepError {
  const retryable = status === 408 || status === 429 || status >= 500;
  const code: AgentStepErrorCode = retryable ? 'agent_unavailable' : 'agent_request_rejected';
  return new AgentStepError(code, message, retryAfterMs === undefined ? {} : { retryAfterMs });
}

/** How {@link readAnswer} reports what it reads. */
interface AnswerReading {
  readonly who: string;
  /** Where a streamed answer's deltas go. */
  readonly text: AgentTextStream;
  /** Redacts header secrets from a quote of the agent's answer, and shortens it. */
  readonly scrub: (text: string) => string;
  /** The failure to throw when the transport fails. */
  readonly unreachable: (error: unknown, what: string) => unknown;
}

/**
 * The JSON of a 2xx answer: the `result` event of a `text/event-stream` (its `delta` events
 * written to `text`), or the whole body parsed as JSON.
 * @throws AgentStepError as {@link callHttpAgent} documents, or what `unreachable` gives
 */
async function readAnswer(response: Response, { who, text, scrub, unreachable }: AnswerReading): Promise<unknown> {
  const streamed = /^text\/event-stream\b/i.test(response.headers.get('content-type') ?? '');
  if (streamed && response.body) {
    try {
      return await readAgentStepStream(response.body, { who, onDelta: (delta) => text.write(delta) });
    } catch (error) {
      if (!(error instanceof AgentStepError)) throw unreachable(error, 'broke off its event stream');
      // The message may quote the agent's data, which may echo a header secret.
      throw new AgentStepError(error.code, scrub(error.message), { retryable: error.retryable });
    }
  }
  let body: string;
  try {
    body = await readAgentResponseText(response.body, maxAgentResponseBytes);
  } catch (error) {
    if (!(error instanceof AgentResponseTooLargeError)) throw unreachable(error, 'broke off its answer');
    throw new AgentStepError('agent_response_invalid', `${who} answered more than ${maxAgentResponseBytes} bytes`);
  }
  try {
    return JSON.parse(body);
  } catch {
    throw new AgentStepError(
      'agent_response_invalid',
      scrub(`${who} answered with something other than JSON: ${body}`),
    );
  }
}

/**
 * One step of an HTTP agent: `POST {url}/step` with `Idempotency-Key: runId:step`, its
 * answer validated and turned into the step's reply. The agent may answer JSON or stream
 * `text/event-stream` (`delta` events, then a `result` event holding the JSON answer); the
 * deltas go to `context.onTextDelta`, and the answer's text must be their join, or have none.
 * An error answer (non-2xx) is quoted from its first {@link maxErrorBodyBytes} bytes.
 * @throws AgentStepError `agent_unavailable` (408, 429, 5xx, network failure, timeout, a
 *   stream broken off: retried, after Retry-After when sent), `agent_request_rejected`
 *   (another 4xx), `agent_response_invalid` (not JSON, not the protocol, over
 *   {@link maxAgentResponseBytes}, streamed text the answer contradicts; retried only for a
 *   stream that ended without its `result`), a secret code, or `agent_state_too_large`
 * @throws the signal's reason, as fetch gives it, when the run stopped the step
 */
export async function callHttpAgent(
  spec: HttpAgentSpec,
  request: AgentStepRequest,
  context: HttpAgentCallContext,
): Promise<AgentReply> {
  const url = `${spec.url.replace(/\/+$/, '')}/step`;
  const who = `HTTP agent at ${url}`;
  const resolved = await resolveSecretValues(spec.headers, context.secrets, headerTarget);
  if ('failed' in resolved) {
    const error = resolved.failed.ok ? undefined : resolved.failed.error;
    const code = (error?.code ?? 'secret_unreadable') as AgentStepErrorCode;
    throw new AgentStepError(code, `${who}: ${error?.message ?? 'a header secret cannot be read'}`);
  }
  const scrub = (text: string) => redactSecrets(text, resolved.secretValues).slice(0, maxQuotedBody);
  // A transport failure is retried, unless the run itself stopped the step: that error passes through.
  const unreachable = (error: unknown, what: string): unknown => {
    if (context.signal.aborted) return error;
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : '';
    return new AgentStepError('agent_unavailable', scrub(`${who} ${what}: ${reason}`));
  };
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        ...resolved.values,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'idempotency-key': `${request.runId}:${request.step}`,
      },
      body: JSON.stringify(request),
      signal: AbortSignal.any([context.signal, AbortSignal.timeout(spec.timeoutSeconds * 1000)]),
    });
  } catch (error) {
    throw unreachable(error, 'is unreachable');
  }
  if (!response.ok) {
    const body = await readAgentResponsePrefix(response.body, maxErrorBodyBytes).catch(() => '');
    throw statusError(
      response.status,
      scrub(`${who} answered ${response.status}: ${body}`),
      parseRetryAfter(response.headers.get('retry-after')),
    );
  }
  const text = new AgentTextStream(who, context.onTextDelta);
  const json = await readAnswer(response, { who, text, scrub, unreachable });
  const parsed = agentStepResponseSchema.safeParse(json);
  if (!parsed.success) {
    throw new AgentStepError(
      'agent_response_invalid',
      `${who} answered outside ${agentStepProtocol}: ${z.prettifyError(parsed.error)}`.slice(0, 2000),
    );
  }
  const { actions, state, usage } = parsed.data;
  const finals = actions.filter((action) => action.type === 'final');
  if (finals.length > 1) throw new AgentStepError('agent_response_invalid', `${who} gave more than one final action`);
  const texts = actions.flatMap((action) => (action.type === 'text' ? [action.text] : []));
  return toAgentReply(
    {
      // Without text actions, the text is what streamed (if anything).
      text: text.settle(texts.length > 0 ? texts.join('') : undefined),
      toolCalls: actions.flatMap((action) =>
        action.type === 'tool_call' ? [{ id: action.id, name: action.name, arguments: action.arguments }] : [],
      ),
      hasFinal: finals.length === 1,
      final: finals[0]?.output,
      state,
      usage,
    },
    who,
  );
}
