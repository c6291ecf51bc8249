import type {
  AgentCard,
  CancelTaskRequest,
  GetTaskRequest,
  Message,
  SendMessageRequest,
  StreamResponse,
  Task,
} from '@a2a-js/sdk';
import type { A2ARequestHandler } from '@a2a-js/sdk/server';
import {
  PushNotificationNotSupportedError,
  RequestMalformedError,
  TaskNotCancelableError,
  TaskNotFoundError,
  UnsupportedOperationError,
} from '@a2a-js/sdk/errors';
import {
  AppError,
  createThread,
  getThread,
  isTerminal,
  isUuid,
  lastRunEventSeq,
  recordAuditEvent,
  type Agent,
  type Database,
  type Run,
  type RunActor,
  type RunCache,
  type RunEventBus,
  type RunService,
} from '@agent-runtime/core';
import type { Kysely } from 'kysely';
import { awaitRunEnd, awaitsApproval } from '../../live/await-run-end.ts';
import { approvalAnswersOf, runInputOfMessage } from './message-input.ts';
import { streamTaskOfRun } from './stream-task.ts';
import { taskOfRun } from './task-of-run.ts';

/** What one A2A call acts with: the caller, the agent it addressed, and the run machinery. */
export interface A2aCall {
  readonly db: Kysely<Database>;
  readonly runs: RunService;
  readonly runCache: RunCache;
  readonly bus: RunEventBus;
  readonly catchUpMs: number;
  /** The agent the endpoint serves: one A2A server per agent. */
  readonly agent: Agent;
  readonly card: AgentCard;
  /** The caller, as the audit log records it; its tenant scopes every task and context. */
  readonly actor: RunActor;
  /** Aborted when the client goes away or the server closes: blocking waits stop then. */
  readonly signal: AbortSignal;
}

/**
 * Longest a blocking `message/send` waits for the task to end or need input before it answers
 * the task as it is then (the client polls `tasks/get` from there).
 */
const blockingWaitMs = 10 * 60_000;

/** How long `tasks/cancel` waits for the run's workflow to confirm the cancellation. */
const cancelWaitMs = 15_000;

/**
 * The A2A operations of one agent over the run service: a task is a run of the agent, its
 * context the run's thread. A new message starts the thread's next turn (a new thread when it
 * names no context); a message to a task waiting for approvals decides them; a message to a
 * running task is a message into the run. Errors are the SDK's A2A errors, which its
 * transport answers in JSON-RPC form; another tenant's or another agent's task is not found.
 */
export function createA2aRequestHandler(call: A2aCall): A2ARequestHandler {
  const { db, runs, runCache, actor, agent } = call;
  const tenantId = actor.tenantId;

  const findTask = async (taskId: string): Promise<Run> => {
    const run = isUuid(taskId) ? await runCache.getRun(tenantId, taskId).catch(notFoundAs()) : undefined;
    if (!run || run.agentId !== agent.id) throw new TaskNotFoundError(`task ${taskId} was not found`);
    return run;
  };

  const settle = (run: Run, timeoutMs: number, until = awaitsApproval) =>
    awaitRunEnd({ ...call, tenantId, runId: run.id, timeoutMs, until, signal: call.signal });

  /** Starts what the message asks for, and answers the run with the seq its stream goes on after. */
  const act = async (params: SendMessageRequest): Promise<{ run: Run; after: number }> => {
    const message = params.message;
    if (!message) throw new RequestMalformedError('params.message is required');
    if (params.configuration?.taskPushNotificationConfig) {
      throw new PushNotificationNotSupportedError('push notifications are not supported (see docs/protocols.md)');
    }
    return message.taskId ? continueTask(message) : startTask(message);
  };

  const startTask = async (message: Message): Promise<{ run: Run; after: number }> => {
    const input = runInputOfMessage(message);
    const threadId = message.contextId ? await existingContext(message.contextId) : await newContext();
    const { run } = await runs
      .create(
        {
          agentId: agent.id,
          input,
          metadata: { protocol: 'a2a', 'a2a.messageId': message.messageId.slice(0, 512) },
          thread: { id: threadId, multitaskStrategy: 'enqueue' },
        },
        actor,
      )
      .catch(asA2aError);
    return { run, after: 0 };
  };

  const existingContext = async (contextId: string): Promise<string> => {
    const thread = isUuid(contextId) ? await getThread(db, tenantId, contextId).catch(() => undefined) : undefined;
    if (!thread) {
      throw new RequestMalformedError(
        `contextId ${contextId} names no context of this tenant; leave it out to start a new one`,
      );
    }
    return thread.id;
  };

  const newContext = async (): Promise<string> =>
    db.transaction().execute(async (trx) => {
      const thread = await createThread(trx, { tenantId, metadata: { protocol: 'a2a', agent: agent.name } });
      await recordAuditEvent(trx, { ...actor, action: 'thread.created', target: { type: 'thread', id: thread.id } });
      return thread.id;
    });

  const continueTask = async (message: Message): Promise<{ run: Run; after: number }> => {
    const run = await findTask(message.taskId);
    if (message.contextId && message.contextId !== run.threadId) {
      throw new RequestMalformedError(`task ${run.id} belongs to context ${run.threadId ?? 'none'}`);
    }
    if (isTerminal(run.status)) {
      throw new UnsupportedOperationError(
        `task ${run.id} has ended (${run.status}); send a message without taskId in its context to continue`,
      );
    }
    const after = await lastRunEventSeq(db, tenantId, run.id);
    const target = { tenantId, runId: run.id };
    if (awaitsApproval(run)) {
      for (const answer of approvalAnswersOf(message, run.pendingApprovals)) {
        await runs.decideApproval(target, answer, actor).catch(asA2aError);
      }
    } else {
      const input = runInputOfMessage(message);
      await runs
        .sendMessage(target, typeof input === 'string' ? input : JSON.stringify(input), actor)
        .catch(asA2aError);
    }
    return { run: await runCache.getRun(tenantId, run.id), after };
  };

  const unsupported = async (): Promise<never> => {
    throw new PushNotificationNotSupportedError('push notifications are not supported (see docs/protocols.md)');
  };

  return {
    getAgentCard: async () => call.card,
    getAuthenticatedExtendedAgentCard: async () => call.card,
    async sendMessage(params) {
      const { run } = await act(params);
      if (params.configuration?.returnImmediately === true) return taskOfRun(run, params.configuration.historyLength);
      // An answered approval leaves the run waiting until its workflow takes the decision.
      const settled = await settle(run, blockingWaitMs, (now) => awaitsApproval(now) && !sameApprovals(now, run));
      return taskOfRun(settled, params.configuration?.historyLength);
    },
    async *sendMessageStream(params): AsyncGenerator<StreamResponse, void, undefined> {
      const { run, after } = await act(params);
      yield* streamTaskOfRun({ ...call, tenantId, run, after });
    },
    async getTask(params: GetTaskRequest): Promise<Task> {
      return taskOfRun(await findTask(params.id), params.historyLength);
    },
    async cancelTask(params: CancelTaskRequest): Promise<Task> {
      const run = await findTask(params.id);
      if (isTerminal(run.status)) throw new TaskNotCancelableError(`task ${run.id} has ended (${run.status})`);
      const cancelling = await runs.cancel({ tenantId, runId: run.id }, actor).catch(asA2aError);
      return taskOfRun(await settle(cancelling, cancelWaitMs, () => false));
    },
    async *resubscribe(params): AsyncGenerator<StreamResponse, void, undefined> {
      const run = await findTask(params.id);
      yield* streamTaskOfRun({ ...call, tenantId, run, after: await lastRunEventSeq(db, tenantId, run.id) });
    },
    listTasks: async () => {
      throw new UnsupportedOperationError('tasks are listed through /v1/runs');
    },
    createTaskPushNotificationConfig: unsupported,
    getTaskPushNotificationConfig: unsupported,
    listTaskPushNotificationConfigs: unsupported,
    deleteTaskPushNotificationConfig: unsupported,
  };
}

/** Whether a run still waits for exactly the approvals it waited for before. */
function sameApprovals(now: Run, before: Run): boolean {
  const ids = (run: Run) => run.pendingApprovals.map((approval) => approval.id).join(',');
  return ids(now) === ids(before);
}

/** A not-found of the run cache as undefined (another tenant's run is not found). */
function notFoundAs() {
  return (error: unknown): undefined => {
    if (error instanceof AppError && error.code === 'not_found') return undefined;
    throw error;
  };
}

/**
 * The run service's refusals as A2A errors: what the caller can fix as invalid parameters,
 * what the task's state forbids as an unsupported operation; anything else stays as it is
 * (the transport answers it as an internal error).
 */
function asA2aError(error: unknown): never {
  if (!(error instanceof AppError)) throw error;
  switch (error.code) {
    case 'not_found':
      throw new TaskNotFoundError(error.message);
    case 'run_finished':
    case 'run_busy':
    case 'thread_busy':
    case 'approval_not_pending':
    case 'invalid_state_transition':
    case 'agent_archived':
      throw new UnsupportedOperationError(error.message);
    default:
      if (error.code === 'validation_failed' || error.code === 'conflict') {
        throw new RequestMalformedError(error.message);
      }
      throw error;
  }
}
