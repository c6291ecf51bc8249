import { setTimeout as delay } from 'node:timers/promises';
import type { builtinToolNames } from '@agent-runtime/core';
import { z } from 'zod';
import { evaluateArithmetic } from './arithmetic.ts';
import { defineTool, ToolError, type Tool } from './tool.ts';

const calculator = defineTool({
  name: 'calculator',
  description: 'Evaluates an arithmetic expression (+ - * / % ^ and parentheses).',
  input: z.strictObject({ expression: z.string().min(1).max(1000) }),
  async execute({ expression }) {
    try {
      return { value: evaluateArithmetic(expression) };
    } catch (error) {
      throw new ToolError('invalid_expression', (error as Error).message);
    }
  },
});

const heartbeatEveryMs = 1000;

const sleep = defineTool({
  name: 'sleep',
  description: 'Waits the given number of seconds, then returns. For tests and demos.',
  input: z.strictObject({ seconds: z.number().min(0).max(3600) }),
  async execute({ seconds }, context) {
    const until = Date.now() + seconds * 1000;
    for (let left = until - Date.now(); left > 0; left = until - Date.now()) {
      await delay(Math.min(left, heartbeatEveryMs), undefined, { signal: context.signal });
      context.heartbeat();
    }
    return { sleptSeconds: seconds };
  },
});

const echo = defineTool({
  name: 'echo',
  description: 'Returns its input unchanged.',
  input: z.record(z.string(), z.unknown()),
  async execute(input) {
    return input;
  },
});

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const writeArtifact = defineTool({
  name: 'write_artifact',
  description:
    'Saves a file as an artifact of the run, which users can download. Returns its id, size and sha256. ' +
    'Writing the same name again in one call answers the first file.',
  input: z.strictObject({
    name: z.string().min(1).max(255).describe('File name, e.g. report.md; no "/" or "\\"'),
    content: z.string().describe('The file content: text, or base64 with encoding "base64"'),
    contentType: z.string().min(1).max(255).default('text/plain; charset=utf-8').describe('Media type'),
    encoding: z.enum(['utf8', 'base64']).default('utf8'),
  }),
  async execute({ name, content, contentType, encoding }, context) {
    if (encoding === 'base64' && !base64Pattern.test(content)) {
      throw new ToolError('invalid_base64', 'content is not valid base64');
    }
    const artifact = await context.saveArtifact({
      name,
      contentType,
      content: encoding === 'base64' ? Buffer.from(content, 'base64') : content,
      source: 'agent',
    });
    return {
      artifactId: artifact.id,
      name: artifact.name,
      contentType: artifact.contentType,
      size: artifact.size,
      sha256: artifact.sha256,
    };
  },
});

/** Every builtin tool by name. */
export const builtinTools: Readonly<Record<(typeof builtinToolNames)[number], Tool>> = {
  calculator,
  sleep,
  echo,
  write_artifact: writeArtifact,
};
