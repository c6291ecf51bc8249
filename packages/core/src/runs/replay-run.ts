import type { Kysely } from 'kysely';
import { getAgentVersion } from '../db/repositories/agent-versions.ts';
import { recordedModelSteps } from '../db/repositories/model-step-replies.ts';
import { getRun, type CreateRunResult } from '../db/repositories/runs.ts';
import type { Database } from '../db/schema.ts';
import type { MessagePolicy, Run } from '../domain/resources.ts';
import { isTerminal } from '../domain/run-status.ts';
import { AppError } from '../errors.ts';
import { createRunWithAdmission } from './create-run.ts';
import type { RunActor, RunServiceResources } from './run-service-resources.ts';

/** What a caller asks for when it replays a finished run (`POST /v1/runs/{id}/replay`). */
export interface ReplayRunRequest {
  /** The finished run to replay, of the caller's tenant. */
  readonly runId: string;
  /**
   * The first step run anew: the steps before it answer from the run's recorded replies and
   * tool results. From 1 (everything anew) to the run's last recorded step + 1.
   */
  readonly fromStep: number;
  /** An edited input, in the shape a new run takes. @default the replayed run's input */
  readonly input?: unknown;
  /** Another version of the same agent, whose spec runs from `fromStep` on. @default the replayed run's */
  readonly version?: number | undefined;
  /** @default the replayed run's metadata */
  readonly metadata?: Record<string, string> | undefined;
  /** @default the replayed run's message policy */
  readonly messagePolicy?: MessagePolicy | undefined;
  /** As for a new run: a repeat of the same request under the same key answers the same replay. */
  readonly idempotencyKey?: string | undefined;
}

function invalidFromStep(message: string, details: Record<string, unknown>): AppError {
  return new AppError('validation_failed', `fromStep ${message}`, {
    ...details,
    errors: [{ path: 'body.fromStep', message }],
  });
}

/**
 * Every step before `fromStep` must have a recorded reply to answer from: a step that was
 * interrupted, or the one the run failed in before its model answered, has none.
 */
async function checkRecordedSteps(db: Kysely<Database>, source: Run, fromStep: number): Promise<void> {
  const recorded = await recordedModelSteps(db, source.tenantId, source.id);
  const lastStep = recorded.at(-1) ?? 0;
  const details = { runId: source.id, fromStep, lastRecordedStep: lastStep };
  if (fromStep > lastStep + 1) {
    throw invalidFromStep(`must be at most ${lastStep + 1}: the run recorded ${lastStep} steps`, details);
  }
  const replayed = new Set(recorded.filter((step) => step < fromStep));
  for (let step = 1; step < fromStep; step += 1) {
    if (!replayed.has(step)) {
      throw invalidFromStep(`must be at most ${step}: step ${step} of the run has no recorded reply to reuse`, details);
    }
  }
}

/**
 * A LangGraph agent keeps its graph's state in checkpoints of its own run, not in its step
 * replies: a replay would start the graph over at `fromStep`, so neither side may be one.
 */
async function checkReplayableVersion(db: Kysely<Database>, source: Run, version: number): Promise<void> {
  for (const number of new Set([source.agentVersion, version])) {
    const { spec } = await getAgentVersion(db, source.tenantId, source.agentId, number);
    if (spec.agent.kind === 'langgraph') {
      throw new AppError('validation_failed', `version ${number} is a LangGraph agent, whose runs cannot be replayed`, {
        errors: [{ path: 'body.version', message: 'LangGraph agents keep their state per run; replay is not offered' }],
      });
    }
  }
}

/**
 * Creates a replay of a finished run of the caller's tenant: a new run of the same agent
 * that records what it replays (`replayOf`), created, audited, admitted and started as any
 * new run. Its workflow's steps before `fromStep` are answered by the worker from the source
 * run's records; from `fromStep` on it runs under its own (edited) input and version. A run
 * that has not ended is 409 `run_not_finished`; another tenant's run is not found.
 */
export async function replayRun(
  resources: RunServiceResources,
  request: ReplayRunRequest,
  by: RunActor,
): Promise<CreateRunResult> {
  const { db } = resources;
  const source = await getRun(db, by.tenantId, request.runId);
  if (!isTerminal(source.status)) {
    throw new AppError(
      'run_not_finished',
      `run ${source.id} is ${source.status}; only a finished run can be replayed`,
      {
        runId: source.id,
        status: source.status,
      },
    );
  }
  const version = request.version ?? source.agentVersion;
  await checkReplayableVersion(db, source, version);
  await checkRecordedSteps(db, source, request.fromStep);
  return createRunWithAdmission(
    resources,
    {
      agentId: source.agentId,
      version,
      input: request.input === undefined ? source.input : request.input,
      metadata: request.metadata ?? source.metadata,
      messagePolicy: request.messagePolicy ?? source.messagePolicy,
      idempotencyKey: request.idempotencyKey,
      replayOf: { runId: source.id, fromStep: request.fromStep },
    },
    by,
  );
}
