import type { ProviderModelSpec } from '@agent-runtime/core';
import {
  APICallError,
  EmptyResponseBodyError,
  InvalidResponseDataError,
  JSONParseError,
  NoContentGeneratedError,
  TypeValidationError,
} from 'ai';
import { redactSecrets } from '../tools/redact-secrets.ts';
import { ModelCallError, parseRetryAfter } from './model-call-error.ts';

/** Longest provider message kept in a run's error. */
const maxMessageLength = 1000;

function retryAfterOf(headers: Record<string, string> | undefined): number | undefined {
  if (!headers) return undefined;
  const milliseconds = Number(headers['retry-after-ms']);
  if (headers['retry-after-ms'] !== undefined && Number.isFinite(milliseconds) && milliseconds >= 0) {
    return milliseconds;
  }
  return parseRetryAfter(headers['retry-after']);
}

function isMalformedAnswer(error: unknown): boolean {
  return (
    JSONParseError.isInstance(error) ||
    TypeValidationError.isInstance(error) ||
    InvalidResponseDataError.isInstance(error) ||
    EmptyResponseBodyError.isInstance(error) ||
    NoContentGeneratedError.isInstance(error)
  );
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/**
 * A failure of a provider call as a {@link ModelCallError}: an HTTP answer keeps its status
 * (and Retry-After / retry-after-ms), no answer at all is status 0, an answer that does not
 * parse as the protocol is `model_response_invalid`. Secret values are scrubbed from the
 * message, which is bounded in length: it ends up in the run's error and events.
 */
export function toModelCallError(
  error: unknown,
  model: ProviderModelSpec,
  secretValues: readonly string[],
): ModelCallError {
  return toModelCallErrorOf(error, `${model.provider} model "${model.model}"`, secretValues);
}

/**
 * {@link toModelCallError} for any AI SDK model, named in messages by `label`
 * (`openai-compatible model "llama3.2"`).
 */
export function toModelCallErrorOf(error: unknown, label: string, secretValues: readonly string[]): ModelCallError {
  if (error instanceof ModelCallError) return error;
  const scrub = (message: string) => redactSecrets(message, secretValues).slice(0, maxMessageLength);
  const where = label;
  if (APICallError.isInstance(error)) {
    if (error.statusCode === undefined) {
      return new ModelCallError(0, scrub(`${where} is unreachable: ${describe(error)}`));
    }
    return new ModelCallError(
      error.statusCode,
      scrub(`${where} answered ${error.statusCode}: ${error.message}`),
      retryAfterOf(error.responseHeaders),
    );
  }
  if (isMalformedAnswer(error)) {
    return new ModelCallError(
      502,
      scrub(`${where} sent an answer that is not valid for its protocol: ${describe(error)}`),
      undefined,
      'model_response_invalid',
    );
  }
  return new ModelCallError(0, scrub(`${where} failed: ${describe(error)}`));
}
