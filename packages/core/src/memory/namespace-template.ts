import { z } from 'zod';
import { memoryLimits } from './memory-limits.ts';

/** `{runId}`, `{threadId}` or `{metadata.<key>}`: what a namespace template may hold. */
const placeholder = /\{([^{}]*)\}/g;

function isKnownPlaceholder(name: string): boolean {
  return name === 'runId' || name === 'threadId' || /^metadata\..{1,64}$/.test(name);
}

/**
 * One label of a memory tool's namespace template: text, with `{runId}`, `{threadId}` and
 * `{metadata.<key>}` (the run's metadata) filled in per call, e.g. `{metadata.userId}`.
 */
export const namespaceTemplateLabelSchema = z
  .string()
  .min(1)
  .max(memoryLimits.labelLength)
  // eslint-disable-next-line no-control-regex -- control characters are what it rejects
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'no control characters')
  .refine(
    (label) =>
      [...label.matchAll(placeholder)].every((match) => isKnownPlaceholder(match[1] ?? '')) &&
      label.replace(placeholder, '').match(/[{}]/) === null,
    { message: 'placeholders are {runId}, {threadId} and {metadata.<key>}; no other braces' },
  );

/** What a namespace template is filled from: the run a tool call belongs to. */
export interface NamespaceTemplateScope {
  readonly runId: string;
  /** Undefined when the run is not a turn of a thread. */
  readonly threadId?: string | undefined;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * A template's labels with their placeholders filled in, or why they cannot be: the run has
 * no thread, or no such metadata key (an empty value counts as none).
 */
export function expandNamespaceTemplate(
  template: readonly string[],
  scope: NamespaceTemplateScope,
): { readonly namespace: string[] } | { readonly problem: string } {
  const problems: string[] = [];
  const namespace = template.map((label) =>
    label.replace(placeholder, (whole, name: string) => {
      const value =
        name === 'runId'
          ? scope.runId
          : name === 'threadId'
            ? scope.threadId
            : scope.metadata[name.slice('metadata.'.length)];
      if (value === undefined || value === '') {
        problems.push(
          name === 'threadId'
            ? 'the namespace names {threadId}, but this run is not a turn of a thread'
            : name === 'runId'
              ? 'the run has no id'
              : `the namespace names ${whole}, but the run's metadata has no "${name.slice('metadata.'.length)}"`,
        );
        return '';
      }
      return value;
    }),
  );
  return problems.length > 0 ? { problem: problems.join('; ') } : { namespace };
}
