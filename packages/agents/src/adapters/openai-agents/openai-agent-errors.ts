import { UserError } from '@openai/agents-core';
import { ModelCallError, parseRetryAfter } from '../../models/model-call-error.ts';
import { AgentStepError } from '../agent-step-error.ts';
import { agentConfigError } from './openai-agent-graph.ts';

/** Longest provider message kept in a run's error. */
const maxMessageLength = 1000;

function truncate(message: string): string {
  return message.slice(0, maxMessageLength);
}

/** Response headers as the `openai` client keeps them on its errors (a `Headers`), or a plain record. */
function headerOf(headers: unknown, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  if (headers !== null && typeof headers === 'object' && name in headers) {
    const value = (headers as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

function retryAfterOf(headers: unknown): number | undefined {
  const milliseconds = headerOf(headers, 'retry-after-ms');
  if (milliseconds !== undefined && Number.isFinite(Number(milliseconds)) && Number(milliseconds) >= 0) {
    return Number(milliseconds);
  }
  return parseRetryAfter(headerOf(headers, 'retry-after'));
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** Connection failures of the `openai` client, by class name (the agent may bring its own copy of it). */
const connectionErrors = new Set(['APIConnectionError', 'APIConnectionTimeoutError']);

/**
 * A failure of an OpenAI Agents SDK model call, classified like every model path: an HTTP
 * answer (the `openai` client's `APIError`) keeps its status and Retry-After / retry-after-ms
 * (429, 408 and 5xx retried, other 4xx not), no answer at all is status 0 (retried), a stream
 * that does not parse is `model_response_invalid` (retried), and a `UserError` of the SDK
 * (a model or setting it cannot use) is a configuration error that no retry fixes.
 */
export function toOpenAiAgentCallError(error: unknown, label: string): ModelCallError | AgentStepError {
  if (error instanceof ModelCallError || error instanceof AgentStepError) return error;
  if (error instanceof UserError) {
    return new AgentStepError('agent_failed', truncate(`${label} cannot be called: ${describe(error)}`), {
      retryable: false,
    });
  }
  if (error instanceof Error) {
    const { status, headers } = error as { status?: unknown; headers?: unknown };
    if (typeof status === 'number') {
      return new ModelCallError(
        status,
        truncate(`${label} answered ${status}: ${error.message}`),
        retryAfterOf(headers),
      );
    }
    if (connectionErrors.has(error.constructor.name)) {
      return new ModelCallError(0, truncate(`${label} is unreachable: ${describe(error)}`));
    }
    if (error instanceof SyntaxError) {
      return new ModelCallError(
        502,
        truncate(`${label} sent an answer that is not valid for its protocol: ${describe(error)}`),
        undefined,
        'model_response_invalid',
      );
    }
  }
  return new ModelCallError(0, truncate(`${label} failed: ${describe(error)}`));
}

/**
 * A failure of the agent's own setup (`getSystemPrompt`, `getAllTools`, `getEnabledHandoffs`,
 * the model provider's `getModel`): a configuration error no retry fixes, so AgentStepError
 * `agent_failed`, not retried, with what threw and its message.
 */
export function toOpenAiAgentSetupError(error: unknown, label: string, what: string): AgentStepError {
  if (error instanceof AgentStepError) return error;
  return agentConfigError(truncate(`${label} failed in ${what}: ${describe(error)}`));
}
