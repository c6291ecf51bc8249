// `npm run record-histories [name…]`: starts PostgreSQL and a Temporal dev server, runs the
// API and the agent worker in this process, drives each representative run (or only those
// named) to its end, and writes its workflow history to
// services/worker/src/workflows/histories/<name>.json for the replay test. Histories not
// named are left as they are. See docs/workflow-changes.md for when to record.
import { mkdir, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyToJson, startTestServices, type TestServices } from '@agent-runtime/test-harness';
import type { RunOutcome } from '@agent-runtime/worker';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { awaitWorkflow } from './bench/await-workflow.ts';
import { checkCommittable, withoutLocalPaths } from './workflow-histories/history-checks.ts';
import { startRecordingRuntime, type RecordingRuntime } from './workflow-histories/recording-runtime.ts';
import { representativeRuns, type RepresentativeRun } from './workflow-histories/representative-runs.ts';
import { createAgent, replayRun, startRun, startRunWithInput } from './workflow-histories/run-control.ts';

type History = temporal.api.history.v1.IHistory;

const repoRoot = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const historiesDir = path.join(repoRoot, 'services/worker/src/workflows/histories');
const runTimeoutMs = 60_000;

/** Every execution of a run's workflow, first to last, following continue-as-new back. */
async function executionHistories(client: Client, runId: string): Promise<History[]> {
  const histories = [await client.workflow.getHandle(runId).fetchHistory()];
  for (;;) {
    const started = histories[0]?.events?.[0]?.workflowExecutionStartedEventAttributes;
    const previous = started?.continuedExecutionRunId;
    if (!previous) return histories;
    histories.unshift(await client.workflow.getHandle(runId, previous).fetchHistory());
  }
}

/** Runs one representative run to its end; returns each execution's history as JSON, checked. */
async function record(runtime: RecordingRuntime, representative: RepresentativeRun): Promise<string[]> {
  const { continueAsNewAfterEvents } = representative;
  const agentId =
    representative.spec === undefined
      ? runtime.exampleAgentId
      : await createAgent(runtime, representative.name, representative.spec);
  let run =
    continueAsNewAfterEvents === undefined
      ? await startRun(
          runtime,
          agentId,
          representative.messagePolicy ? { messagePolicy: representative.messagePolicy } : {},
        )
      : await startRunWithInput(runtime, agentId, { continueAsNewAfterEvents });
  await representative.drive?.(run);
  let outcome = (await awaitWorkflow(runtime.temporal, run.runId, runTimeoutMs)) as RunOutcome;
  if (representative.replayFromStep !== undefined) {
    run = await replayRun(runtime, run.runId, representative.replayFromStep);
    outcome = (await awaitWorkflow(runtime.temporal, run.runId, runTimeoutMs)) as RunOutcome;
  }
  const { status, errorCode } = representative.expected;
  const actualCode = outcome.status === 'succeeded' ? undefined : outcome.error.code;
  if (outcome.status !== status || actualCode !== errorCode) {
    throw new Error(`${representative.name} ended ${JSON.stringify(outcome)}, expected ${JSON.stringify(status)}`);
  }
  const histories = await executionHistories(runtime.temporal, run.runId);
  if (continueAsNewAfterEvents !== undefined && histories.length < 2) {
    throw new Error(`${representative.name} never continued as new`);
  }
  // Stack traces name the checkout, and where the SDK really is if node_modules is linked.
  const sdkDir = await realpath(path.join(repoRoot, 'node_modules/@temporalio/worker'));
  const installRoot = sdkDir.slice(0, sdkDir.lastIndexOf('/node_modules/'));
  return histories.map((history) => {
    checkCommittable(history, [runtime.apiKey]);
    return withoutLocalPaths(historyToJson(history), [repoRoot, installRoot]);
  });
}

const names = process.argv.slice(2);
const unknown = names.filter((name) => !representativeRuns.some((run) => run.name === name));
if (unknown.length > 0) {
  console.error(`unknown run ${unknown.join(', ')}; known: ${representativeRuns.map((run) => run.name).join(', ')}`);
  process.exit(2);
}
const selected = names.length === 0 ? representativeRuns : representativeRuns.filter((run) => names.includes(run.name));

let services: TestServices | undefined;
let runtime: RecordingRuntime | undefined;
let cleaning: Promise<void> | undefined;

/** Stops what was started, newest first, once. */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    await runtime?.stop().catch((error: unknown) => console.error('stopping the runtime failed', error));
    await services?.stop();
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the services`);
    void cleanUp().finally(() => process.exit(130));
  });
}

try {
  console.error('Starting PostgreSQL and the Temporal dev server…');
  services = await startTestServices();
  runtime = await startRecordingRuntime({
    databaseUrl: services.postgres.url,
    temporalAddress: services.temporal.address,
  });
  // Recorded one at a time, so each history is what a lone run produces; written only once
  // all are recorded, so a failure leaves the directory as it was.
  const histories: [file: string, json: string][] = [];
  for (const representative of selected) {
    console.error(`Recording ${representative.name}…`);
    const executions = await record(runtime, representative);
    executions.forEach((json, index) => {
      const file = executions.length === 1 ? representative.name : `${representative.name}.${index + 1}`;
      histories.push([file, json]);
    });
  }
  await mkdir(historiesDir, { recursive: true });
  for (const [file, json] of histories) await writeFile(path.join(historiesDir, `${file}.json`), `${json}\n`);
  console.log(`Wrote ${histories.length} histories to ${path.relative(process.cwd(), historiesDir)}`);
} finally {
  await cleanUp();
}
