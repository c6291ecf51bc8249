import { appendRunEvents } from '@agent-runtime/core';
import { createEventPublisher, type ActivityDependencies } from './activity-support.ts';
import type { RecordMessagesInput } from './activity-types.ts';

/** The activity that records user messages as they reach the conversation. */
export function createMessageActivities(dependencies: ActivityDependencies) {
  const { db } = dependencies;
  const publish = createEventPublisher(dependencies);
  return {
    /** One `message.received` event per message, in arrival order, before the step that reads them. */
    async recordMessages({ ref, step, messages, interrupted }: RecordMessagesInput): Promise<void> {
      const events = await appendRunEvents(
        db,
        ref.tenantId,
        messages.map((message, index) => ({
          runId: ref.runId,
          type: 'message.received',
          step,
          data: {
            messageId: message.messageId,
            content: message.content,
            sentBy: message.sentBy,
            interrupted: interrupted && index === 0,
          },
          dedupeKey: `message.received:${message.messageId}`,
        })),
      );
      publish(ref.runId, events);
    },
  };
}
