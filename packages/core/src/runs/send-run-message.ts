import { randomUUID } from 'node:crypto';
import { recordAuditEvent } from '../db/repositories/audit-events.ts';
import { sendMessageUpdate, type RunMessage, type SendMessageResult } from '../execution/agent-run-contract.ts';
import { getLiveRun } from './live-run.ts';
import type { RunActor, RunServiceResources, TenantRunRef } from './run-service-resources.ts';
import { updateRunWorkflow } from './update-run-workflow.ts';

/**
 * Sends a user message into a running or waiting run (Temporal Update `sendMessage`): the
 * workflow applies the run's message policy at once and answers what became of the message;
 * it records the message as `message.received` when a step reads it. Audited without the
 * content, which is the run's, not the log's.
 */
export async function sendRunMessage(
  resources: RunServiceResources,
  target: TenantRunRef,
  content: string,
  by: RunActor,
): Promise<SendMessageResult> {
  const run = await getLiveRun(resources, target);
  const message: RunMessage = { messageId: randomUUID(), content, sentBy: by.actor.subject };
  const result = await updateRunWorkflow<SendMessageResult>(resources.temporal, run.id, sendMessageUpdate, message);
  // Who steered a run matters; what they wrote is the run's content and stays out of the log.
  await recordAuditEvent(resources.db, {
    ...by,
    action: 'run.message_sent',
    target: { type: 'run', id: run.id },
    details: { messageId: result.messageId, disposition: result.disposition, length: message.content.length },
  });
  return result;
}
