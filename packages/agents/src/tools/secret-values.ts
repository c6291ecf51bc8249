import { SecretUnavailableError, type SecretHeader } from '@agent-runtime/core';
import type { ToolOutcome } from './tool.ts';

/**
 * Reads a tenant secret's value at call time, by name. Throws `SecretUnavailableError`
 * when the secret is gone or unreadable; anything else it throws is retried.
 */
export type SecretSource = (name: string) => Promise<string>;

/** Text a header may carry (Fetch's header value rules): no NUL, CR or LF, nothing past U+00FF. */
export const headerValuePattern = /^[^\0\r\n\u0100-\uffff]*$/;

/** Text an environment variable may carry: anything but NUL. */
export const environmentValuePattern = /^[^\0]*$/;

/** How {@link resolveSecretValues} names and checks what it resolves. */
export interface SecretValueTarget {
  /** What a key is, in messages and in the code of a refused value (`secret_invalid_header`). */
  readonly label: 'header' | 'variable';
  /** Values that do not match are refused, without quoting them. */
  readonly pattern: RegExp;
  /** Why a refused value cannot be used, in messages. */
  readonly patternProblem: string;
}

/** Header targets: the HTTP tool's and the Streamable HTTP MCP transport's. */
export const headerTarget: SecretValueTarget = {
  label: 'header',
  pattern: headerValuePattern,
  patternProblem: 'holds characters an HTTP header cannot carry (line breaks, NUL or non-Latin-1)',
};

/** Environment targets: the variables of a stdio MCP server. */
export const environmentTarget: SecretValueTarget = {
  label: 'variable',
  pattern: environmentValuePattern,
  patternProblem: 'holds a NUL character, which an environment variable cannot carry',
};

/**
 * Declared values (literal text, or `{ secret, prefix }` read now) resolved to text, with
 * the secret values read so that whatever repeats them can be scrubbed; or the error outcome
 * naming the key and secret that failed, never quoting a value.
 */
export async function resolveSecretValues(
  declared: Readonly<Record<string, string | SecretHeader>>,
  secrets: SecretSource,
  target: SecretValueTarget,
): Promise<{ values: Record<string, string>; secretValues: string[] } | { failed: ToolOutcome }> {
  const values: Record<string, string> = {};
  const secretValues: string[] = [];
  for (const [key, value] of Object.entries(declared)) {
    if (typeof value === 'string') {
      values[key] = value;
      continue;
    }
    let secretValue: string;
    try {
      secretValue = await secrets(value.secret);
    } catch (error) {
      if (!(error instanceof SecretUnavailableError)) throw error;
      const message = `${target.label} "${key}": ${error.message}`;
      return { failed: { ok: false, error: { code: `secret_${error.reason}`, message } } };
    }
    secretValues.push(secretValue);
    // Checked here rather than left to the transport, whose error would quote the offending value.
    if (!target.pattern.test(secretValue)) {
      return {
        failed: {
          ok: false,
          error: {
            code: `secret_invalid_${target.label}`,
            message: `${target.label} "${key}": secret "${value.secret}" ${target.patternProblem}`,
          },
        },
      };
    }
    values[key] = `${value.prefix}${secretValue}`;
  }
  return { values, secretValues };
}
