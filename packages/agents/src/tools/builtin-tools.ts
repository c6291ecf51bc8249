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

/** Every builtin tool by name. */
export const builtinTools: Readonly<Record<(typeof builtinToolNames)[number], Tool>> = {
  calculator,
  sleep,
  echo,
};
