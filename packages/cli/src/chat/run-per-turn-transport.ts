import type { AgentRuntimeClient } from '@agent-runtime/sdk';
import type { ChatTransport } from './chat-transport.ts';

/**
 * Chat without threads (an API that has none): each turn is a run of its own whose input is
 * the message alone, so the agent does not see earlier turns.
 */
export function runPerTurnTransport(client: AgentRuntimeClient, agentId: string, version?: number): ChatTransport {
  return {
    keepsHistory: false,
    description: 'this API has no threads: each message is a run of its own, and earlier turns are not kept',
    async startTurn(message) {
      const { run } = await client.runs.create({
        agentId,
        input: { message },
        ...(version === undefined ? {} : { version }),
      });
      return run.id;
    },
  };
}
