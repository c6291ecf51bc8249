import { SecretUnavailableError, type ProviderModelSpec } from '@agent-runtime/core';
import type { SecretSource } from '../tools/secret-values.ts';
import { ModelCallError } from './model-call-error.ts';

/** What a provider call authenticates with, read from secrets for this attempt only. */
export interface ModelCredentials {
  readonly apiKey: string | undefined;
  readonly headers: Record<string, string>;
  /** Every secret value read, to scrub from error messages. */
  readonly values: readonly string[];
}

/** Text a header may carry (Fetch's rules): checked here so no error quotes the value. */
const headerValuePattern = /^[^\0\r\n\u0100-\uffff]*$/;

async function readSecret(secrets: SecretSource, name: string, where: string): Promise<string> {
  let value: string;
  try {
    value = await secrets(name);
  } catch (error) {
    if (!(error instanceof SecretUnavailableError)) throw error;
    throw new ModelCallError(0, `${where}: ${error.message}`, undefined, `secret_${error.reason}`);
  }
  if (!headerValuePattern.test(value)) {
    throw new ModelCallError(
      0,
      `${where}: secret "${name}" holds characters an HTTP header cannot carry (line breaks, NUL or non-Latin-1)`,
      undefined,
      'secret_invalid_header',
    );
  }
  return value;
}

/**
 * Reads the secrets a model spec names (`apiKeySecret`, and `headers` of an
 * OpenAI-compatible model) at the moment of the call.
 * @throws ModelCallError `secret_not_found`, `secret_unreadable` or `secret_invalid_header`,
 *   naming the secret and never its value.
 */
export async function resolveModelCredentials(
  model: ProviderModelSpec,
  secrets: SecretSource,
): Promise<ModelCredentials> {
  const values: string[] = [];
  const apiKey =
    model.apiKeySecret === undefined ? undefined : await readSecret(secrets, model.apiKeySecret, 'model.apiKeySecret');
  if (apiKey !== undefined) values.push(apiKey);
  const headers: Record<string, string> = {};
  if (model.provider === 'openai-compatible') {
    for (const [header, declared] of Object.entries(model.headers)) {
      if (typeof declared === 'string') {
        headers[header] = declared;
        continue;
      }
      const value = await readSecret(secrets, declared.secret, `model header "${header}"`);
      values.push(value);
      headers[header] = `${declared.prefix}${value}`;
    }
  }
  return { apiKey, headers, values };
}
