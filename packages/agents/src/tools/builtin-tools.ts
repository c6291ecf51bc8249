import { setTimeout as delay } from 'node:timers/promises';
import { builtinToolInterfaces, type builtinToolNames } from '@agent-runtime/core';
import { evaluateArithmetic } from './arithmetic.ts';
import { memoryPutTool, memorySearchTool } from './memory-tools.ts';
import { defineTool, ToolError, type Tool } from './tool.ts';

const calculator = defineTool({
  name: 'calculator',
  ...builtinToolInterfaces.calculator,
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
  ...builtinToolInterfaces.sleep,
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
  ...builtinToolInterfaces.echo,
  async execute(input) {
    return input;
  },
});

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const writeArtifact = defineTool({
  name: 'write_artifact',
  ...builtinToolInterfaces.write_artifact,
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
  memory_put: memoryPutTool,
  memory_search: memorySearchTool,
};
