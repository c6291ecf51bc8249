import { Role, TaskState, type Artifact, type Message, type Task, type TaskStatus } from '@a2a-js/sdk';
import type { PendingApproval, Run, RunStatus } from '@agent-runtime/core';
import { agentMessage, dataPart, partsOfValue, textPart } from './a2a-parts.ts';

/** The A2A task state of a run: a run waiting for an approval needs the client's input. */
export function taskStateOf(run: Pick<Run, 'status' | 'pendingApprovals'>): TaskState {
  const states: Record<RunStatus, TaskState> = {
    queued: TaskState.TASK_STATE_SUBMITTED,
    running: TaskState.TASK_STATE_WORKING,
    waiting: run.pendingApprovals.length > 0 ? TaskState.TASK_STATE_INPUT_REQUIRED : TaskState.TASK_STATE_WORKING,
    succeeded: TaskState.TASK_STATE_COMPLETED,
    failed: TaskState.TASK_STATE_FAILED,
    timed_out: TaskState.TASK_STATE_FAILED,
    cancelled: TaskState.TASK_STATE_CANCELED,
  };
  return states[run.status];
}

/** The context of a task: its thread (A2A runs always have one). */
export function contextIdOf(run: Pick<Run, 'id' | 'threadId'>): string {
  return run.threadId ?? run.id;
}

/**
 * What the agent asks the client while approvals are pending: one line per tool call, and
 * the approvals as data, so that a client can answer one by its `approvalId`.
 */
export function approvalRequestMessage(
  run: Pick<Run, 'id' | 'threadId'>,
  approvals: readonly PendingApproval[],
): Message {
  const lines = approvals.map(
    (approval) => `The agent wants to call ${approval.tool} with ${JSON.stringify(approval.input)}: approve or reject?`,
  );
  return agentMessage({
    messageId: `${run.id}/approvals/${approvals.map((approval) => approval.id).join(',')}`,
    taskId: run.id,
    contextId: contextIdOf(run),
    parts: [
      textPart(lines.join('\n')),
      dataPart({
        approvals: approvals.map(({ id, tool, input, expiresAt }) => ({ approvalId: id, tool, input, expiresAt })),
      }),
    ],
  });
}

/** The status message of a run: what it waits for, or why it failed. */
function statusMessageOf(run: Run): Message | undefined {
  if (run.status === 'waiting' && run.pendingApprovals.length > 0) {
    return approvalRequestMessage(run, run.pendingApprovals);
  }
  if (run.error !== null) {
    return agentMessage({
      messageId: `${run.id}/error`,
      taskId: run.id,
      contextId: contextIdOf(run),
      parts: [textPart(`${run.error.code}: ${run.error.message}`)],
    });
  }
  return undefined;
}

/** The status of the task a run is. */
export function taskStatusOf(run: Run): TaskStatus {
  return {
    state: taskStateOf(run),
    message: statusMessageOf(run),
    timestamp: run.endedAt ?? run.startedAt ?? run.createdAt,
  };
}

/** The artifact a succeeded run's output becomes. */
export function outputArtifactOf(run: Run): Artifact {
  return {
    artifactId: `${run.id}/output`,
    name: 'output',
    description: "The run's output",
    parts: partsOfValue(run.output),
    metadata: undefined,
    extensions: [],
  };
}

/** The message that started the task, as the client sent it (its run's input). */
function inputMessageOf(run: Run): Message {
  return {
    messageId: `${run.id}/input`,
    taskId: run.id,
    contextId: contextIdOf(run),
    role: Role.ROLE_USER,
    parts: partsOfValue(run.input),
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

/**
 * The A2A task of a run: id = run id, context = thread, the run's input as history and its
 * output as the `output` artifact once it has succeeded. `historyLength` 0 leaves the history out.
 */
export function taskOfRun(run: Run, historyLength?: number): Task {
  return {
    id: run.id,
    contextId: contextIdOf(run),
    status: taskStatusOf(run),
    artifacts: run.status === 'succeeded' ? [outputArtifactOf(run)] : [],
    history: historyLength === 0 ? [] : [inputMessageOf(run)],
    metadata: { runId: run.id, agentId: run.agentId, agentVersion: run.agentVersion },
  };
}
