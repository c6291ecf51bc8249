import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { wallNow } from './holding-tool-server.ts';
import { summarize, type Summary } from './percentiles.ts';
import type { RecoveryStack } from './recovery-stack.ts';

/** How the recovery after a worker's kill -9 is measured. */
export interface WorkerRecoveryOptions {
  /** Runs in flight, each inside its long step, when a worker is killed. */
  readonly runs: number;
  /** Runs through both workers first, not measured: workflow bundles, pools, JIT. */
  readonly warmupRuns: number;
  /** Aborted when the benchmark's time budget is spent. */
  readonly signal: AbortSignal;
}

/** Milliseconds from the kill -9 of one of two workers, per run. */
export interface WorkerRecovery {
  readonly tuning: 'fast' | 'default';
  readonly runs: number;
  /** Runs whose step was running on the killed worker: kill → its retry reached the tool. */
  readonly stepRetried: Summary | undefined;
  /** Every run: kill → its next model step began (`model.started` of step 2, database clock). */
  readonly nextStep: Summary;
  /** The same, only the runs whose step was on the killed worker. */
  readonly nextStepAfterRetry: Summary | undefined;
  /** The same, only the runs whose step was on the surviving worker (answered at the kill). */
  readonly nextStepOfSurvivors: Summary | undefined;
}

/** One step calls the `hold` tool; the next one answers. */
function holdingAgentSpec(toolUrl: string, hold: boolean) {
  return {
    model: {
      provider: 'scripted',
      replies: [{ toolCalls: [{ id: 'hold', name: 'hold', arguments: { hold } }] }, { text: 'done' }],
    },
    tools: [{ kind: 'http', name: 'hold', url: toolUrl }],
    limits: { maxSteps: 2 },
  };
}

async function expectStatus(response: Response, status: number, what: string): Promise<unknown> {
  const body: unknown = await response.json();
  if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(body)}`);
  return body;
}

async function createAgent(stack: RecoveryStack, name: string, spec: unknown): Promise<string> {
  const agent = (await expectStatus(await stack.request('POST', '/v1/agents', { name }), 201, 'create agent')) as {
    id: string;
  };
  await expectStatus(await stack.request('POST', `/v1/agents/${agent.id}/versions`, { spec }), 201, 'create version');
  return agent.id;
}

/** Posts `count` runs, ten requests at a time. */
async function postRuns(stack: RecoveryStack, agentId: string, count: number): Promise<string[]> {
  const runIds: string[] = [];
  while (runIds.length < count) {
    const batch = Math.min(10, count - runIds.length);
    const posted = await Promise.all(
      Array.from({ length: batch }, async () => {
        const run = await expectStatus(await stack.request('POST', '/v1/runs', { agentId, input: 'go' }), 202, 'post');
        return (run as { id: string }).id;
      }),
    );
    runIds.push(...posted);
  }
  return runIds;
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, signal: AbortSignal) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (signal.aborted) throw new Error(`time budget spent while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(50);
  }
}

/**
 * Two worker processes, `runs` runs each inside a long tool call (an HTTP tool that holds the
 * request open), then kill -9 of one worker. At that instant the tool answers every call still
 * connected (those on the surviving worker), so every run's next step is due at once:
 *
 * - a run whose call was on the killed worker waits for Temporal to notice (the step's
 *   heartbeat timeout), retries the step on the survivor (the tool sees the retry and
 *   answers it at once), then its next model step;
 * - a run whose call was on the survivor goes straight to its next model step, unless its
 *   workflow was cached on the killed worker: that workflow task first waits out the sticky
 *   queue's schedule-to-start timeout.
 */
export async function measureWorkerRecovery(
  stack: RecoveryStack,
  options: WorkerRecoveryOptions,
): Promise<WorkerRecovery> {
  const { tools } = stack;
  const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  try {
    const warmAgent = await createAgent(stack, 'recovery-warmup', holdingAgentSpec(tools.url, false));
    const holdingAgent = await createAgent(stack, 'recovery-hold', holdingAgentSpec(tools.url, true));
    const succeeded = async (runIds: readonly string[]) => {
      const { rows } = await db.query<{ count: string }>(
        `select count(*) from runs where id = any($1::uuid[]) and status = 'succeeded'`,
        [runIds],
      );
      return Number(rows[0]?.count) === runIds.length;
    };

    const warmups = await postRuns(stack, warmAgent, options.warmupRuns);
    await waitFor('the warm-up runs', () => succeeded(warmups), 60_000, options.signal);

    const runIds = await postRuns(stack, holdingAgent, options.runs);
    await waitFor(
      `all ${options.runs} runs inside their tool call`,
      () => tools.held === options.runs,
      60_000,
      options.signal,
    );
    // Let the last workflow tasks finish and the heartbeats settle into their rhythm.
    await delay(2_000);

    const [victim] = stack.workers;
    const killedAt = wallNow();
    await victim.kill();
    tools.releaseAll();

    const nextStepAt = new Map<string, number>();
    await waitFor(
      'every run to begin its next step',
      async () => {
        const { rows } = await db.query<{ run_id: string; at: string }>(
          `select run_id, extract(epoch from created_at) * 1000 as at from run_events
           where run_id = any($1::uuid[]) and type = 'model.started' and step = 2`,
          [runIds],
        );
        for (const row of rows) nextStepAt.set(row.run_id, Number(row.at));
        return nextStepAt.size === runIds.length;
      },
      90_000,
      options.signal,
    );
    await waitFor('every run to succeed', () => succeeded(runIds), 60_000, options.signal);

    const retriedAt = (runId: string) => tools.retries.get(`${runId}:1:hold`)?.[0];
    const since = (at: number) => at - killedAt;
    const nextStep = (runId: string) => since(nextStepAt.get(runId) ?? Number.NaN);
    const retried = runIds.filter((runId) => retriedAt(runId) !== undefined);
    const survivors = runIds.filter((runId) => retriedAt(runId) === undefined);
    const summaryOf = (values: number[]) => (values.length > 0 ? summarize(values) : undefined);
    return {
      tuning: stack.tuning,
      runs: runIds.length,
      stepRetried: summaryOf(retried.map((runId) => since(retriedAt(runId) ?? Number.NaN))),
      nextStep: summarize(runIds.map(nextStep)),
      nextStepAfterRetry: summaryOf(retried.map(nextStep)),
      nextStepOfSurvivors: summaryOf(survivors.map(nextStep)),
    };
  } finally {
    await db.end();
  }
}
