import {
  builtinTools,
  inputToUserMessage,
  scriptedModelReply,
  type ModelReply,
  type Tool,
  type ToolOutcome,
} from '@agent-runtime/agents';
import {
  appendRunEvents,
  claimToolCall,
  completeToolCall,
  getAgentVersion,
  getRunById,
  InvalidStateTransitionError,
  isTerminal,
  NotFoundError,
  transitionRun,
  type AgentSpec,
  type Database,
  type Logger,
} from '@agent-runtime/core';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { FinishRunInput, ModelStepInput, RunRef, StartedRun, ToolStepInput } from './activity-types.ts';

/** What the activities need from their process. */
export interface ActivityDependencies {
  readonly db: Kysely<Database>;
  readonly logger: Logger;
  /** Tools by name; the builtin tools when omitted. */
  readonly tools?: Readonly<Record<string, Tool>>;
}

/** Business failures no retry can fix: thrown as non-retryable with the error's code as type. */
function nonRetryable(error: unknown): never {
  if (error instanceof NotFoundError || error instanceof InvalidStateTransitionError) {
    throw ApplicationFailure.nonRetryable(error.message, error.code);
  }
  throw error;
}

/**
 * The activities of the `agentRun` workflow. Each model step and each tool call is its own
 * activity; every database write is idempotent, so a retried activity changes nothing twice.
 */
export function createActivities(dependencies: ActivityDependencies) {
  const { db, logger } = dependencies;
  const tools: Readonly<Record<string, Tool>> = dependencies.tools ?? builtinTools;
  // Versions never change, so their specs can be cached for the life of the process.
  const specs = new Map<string, Promise<AgentSpec>>();

  async function loadRun(runId: string) {
    return getRunById(db, runId).catch(nonRetryable);
  }

  function specOf(ref: RunRef): Promise<AgentSpec> {
    const key = `${ref.agentId}/${ref.agentVersion}`;
    let spec = specs.get(key);
    if (!spec) {
      spec = getAgentVersion(db, ref.tenantId, ref.agentId, ref.agentVersion).then((version) => version.spec);
      spec.catch(() => specs.delete(key));
      specs.set(key, spec);
    }
    return spec;
  }

  return {
    /** Marks the run `running` and hands the workflow its limits and first message. */
    async startRun(runId: string): Promise<StartedRun> {
      const run = await loadRun(runId);
      if (isTerminal(run.status)) return { state: 'finished', status: run.status };
      const ref: RunRef = { runId, tenantId: run.tenantId, agentId: run.agentId, agentVersion: run.agentVersion };
      const spec = await specOf(ref);
      await transitionRun(db, {
        runId,
        to: 'running',
        events: [
          {
            runId,
            type: 'run.started',
            data: { agentId: run.agentId, agentVersion: run.agentVersion },
            dedupeKey: 'run.started',
          },
        ],
      }).catch(nonRetryable);
      return { state: 'running', ref, limits: spec.limits, messages: [inputToUserMessage(run.input)] };
    },

    /** One model call: the assistant's reply and the tool calls it asks for. */
    async modelStep({ ref, step }: ModelStepInput): Promise<ModelReply> {
      const spec = await specOf(ref);
      await appendRunEvents(db, [
        {
          runId: ref.runId,
          type: 'model.started',
          step,
          data: { provider: spec.model.provider },
          dedupeKey: `model.started:${step}`,
        },
      ]);
      const reply = scriptedModelReply(spec.model, step);
      await appendRunEvents(db, [
        {
          runId: ref.runId,
          type: 'model.completed',
          step,
          data: { text: reply.text, toolCalls: reply.toolCalls, usage: reply.usage },
          dedupeKey: `model.completed:${step}`,
        },
      ]);
      return reply;
    },

    /**
     * One tool call, executed at most once to completion: its result is recorded under the
     * idempotency key `runId:step:callId` before the step counts as done, and a retry
     * returns the recorded result instead of running the tool again.
     */
    async toolStep({ ref, step, call }: ToolStepInput): Promise<ToolOutcome> {
      const idempotencyKey = `${ref.runId}:${step}:${call.id}`;
      const spec = await specOf(ref);
      const claim = await claimToolCall(db, {
        idempotencyKey,
        runId: ref.runId,
        step,
        callId: call.id,
        tool: call.name,
      });
      let outcome: ToolOutcome;
      if (claim.state === 'completed') {
        outcome = claim.result as ToolOutcome;
      } else {
        await appendRunEvents(db, [
          {
            runId: ref.runId,
            type: 'tool.started',
            step,
            data: { callId: call.id, tool: call.name, input: call.arguments },
            dedupeKey: `tool.started:${step}:${call.id}`,
          },
        ]);
        const tool = spec.tools.some((declared) => declared.name === call.name) ? tools[call.name] : undefined;
        const context = Context.current();
        const result: ToolOutcome = tool
          ? await tool.invoke(call.arguments, {
              idempotencyKey,
              signal: context.cancellationSignal,
              heartbeat: () => context.heartbeat(),
            })
          : {
              ok: false,
              error: { code: 'unknown_tool', message: `tool "${call.name}" is not available to this agent` },
            };
        outcome = (await completeToolCall(db, idempotencyKey, result)) as ToolOutcome;
        if (claim.attempt > 1)
          logger.info({ runId: ref.runId, idempotencyKey, attempt: claim.attempt }, 'tool call retried');
      }
      await appendRunEvents(db, [
        {
          runId: ref.runId,
          type: 'tool.completed',
          step,
          data: { callId: call.id, tool: call.name, ...outcome },
          dedupeKey: `tool.completed:${step}:${call.id}`,
        },
      ]);
      return outcome;
    },

    /** Records the run's terminal state, output or error, and usage, with its final event. */
    async finishRun({ runId, outcome, usage }: FinishRunInput): Promise<void> {
      await transitionRun(db, {
        runId,
        to: outcome.status,
        usage,
        ...(outcome.status === 'succeeded' ? { output: outcome.output } : { error: outcome.error }),
        events: [
          {
            runId,
            type: `run.${outcome.status}`,
            data: outcome.status === 'succeeded' ? { output: outcome.output, usage } : { error: outcome.error, usage },
            dedupeKey: 'run.finished',
          },
        ],
      }).catch(nonRetryable);
    },
  };
}

/** The activities as the workflow sees them (types only). */
export type AgentRunActivities = ReturnType<typeof createActivities>;
