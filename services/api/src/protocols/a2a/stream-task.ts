import type { StreamResponse, TaskStatus } from '@a2a-js/sdk';
import { TaskState } from '@a2a-js/sdk';
import {
  isTerminal,
  isTerminalRunEventType,
  type Database,
  type Run,
  type RunCache,
  type RunEventBus,
} from '@agent-runtime/core';
import type { Kysely } from 'kysely';
import { awaitsApproval } from '../../live/await-run-end.ts';
import { followRunEvents, isStoredEvent } from '../../live/follow-run-events.ts';
import { agentMessage, textPart } from './a2a-parts.ts';
import { contextIdOf, outputArtifactOf, taskOfRun, taskStatusOf } from './task-of-run.ts';

/** What {@link streamTaskOfRun} follows. */
export interface StreamTaskOptions {
  readonly db: Kysely<Database>;
  readonly runCache: RunCache;
  readonly bus: RunEventBus;
  readonly catchUpMs: number;
  readonly tenantId: string;
  /** The run as it was when the stream began. */
  readonly run: Run;
  /** The run's events after this `seq` are streamed (0: all of them). */
  readonly after: number;
  /** Ends the stream early: the client went away or the server is closing. */
  readonly signal: AbortSignal;
}

/**
 * A task's A2A stream: the task first, then a status update per change of its run (working,
 * a step's text, input-required with the pending approvals), and at the end the `output`
 * artifact and the final status. It ends when the task ends or needs input, as A2A streams
 * do; a client answers the approval with a new message on the task and streams again.
 */
export async function* streamTaskOfRun(options: StreamTaskOptions): AsyncGenerator<StreamResponse, void, undefined> {
  const { run, tenantId, runCache } = options;
  const ids = { taskId: run.id, contextId: contextIdOf(run) };
  const statusUpdate = (status: TaskStatus): StreamResponse => ({
    payload: { $case: 'statusUpdate', value: { ...ids, status, metadata: undefined } },
  });
  const working = (text?: string, messageId = ''): StreamResponse =>
    statusUpdate({
      state: TaskState.TASK_STATE_WORKING,
      message: text === undefined ? undefined : agentMessage({ ...ids, messageId, parts: [textPart(text)] }),
      timestamp: new Date().toISOString(),
    });

  yield { payload: { $case: 'task', value: taskOfRun(run) } };
  // A run that has ended has nothing more to follow.
  if (isTerminal(run.status) && options.after > 0) return;
  for await (const item of followRunEvents({ ...options, runId: run.id, after: { seq: options.after } })) {
    if (!isStoredEvent(item)) continue;
    switch (item.type) {
      case 'run.started':
        yield working();
        break;
      case 'model.completed':
        if (item.data.text !== '') yield working(item.data.text, `${run.id}/steps/${item.step ?? 0}`);
        break;
      case 'approval.decided':
      case 'approval.requested': {
        // Approvals are requested and decided one by one: the task needs input while any is pending.
        const now = await runCache.getRun(tenantId, run.id);
        if (awaitsApproval(now)) {
          yield statusUpdate(taskStatusOf(now));
          return;
        }
        if (item.type === 'approval.decided') yield working();
        break;
      }
      default:
        if (isTerminalRunEventType(item.type)) {
          const ended = await runCache.getRun(tenantId, run.id);
          if (ended.status === 'succeeded') {
            yield {
              payload: {
                $case: 'artifactUpdate',
                value: {
                  ...ids,
                  artifact: outputArtifactOf(ended),
                  append: false,
                  lastChunk: true,
                  metadata: undefined,
                },
              },
            };
          }
          yield statusUpdate(taskStatusOf(ended));
          return;
        }
    }
  }
}
