import type { AdapterOverhead } from './adapter-overhead.ts';
import type { CliFirstToken } from './cli-first-token.ts';
import type { EventLatency } from './event-latency.ts';
import type { ConsoleRender } from './console-render.ts';
import type { Summary } from './percentiles.ts';
import type { RunStartLatency } from './run-start-latency.ts';
import type { ScheduleFireAccuracy } from './schedule-fire-accuracy.ts';
import type { WebhookLatency } from './webhook-latency.ts';
import type { ThreadTurnLatency } from './thread-turn-latency.ts';
import type { StepOverhead } from './step-overhead.ts';
import type { WorkerRecovery } from './worker-recovery.ts';
import type { LangGraphApiLatency } from './langgraph-api-latency.ts';
import { formatTable, ms } from './table.ts';

/** The target of the issue: the runtime's per-step cost within 1.3× of plain Temporal's. */
export const targetRatio = 1.3;

/** The target of the durability issue: a step interrupted by a worker's death restarts elsewhere within 3 s (p99). */
export const recoveryTargetMs = 3_000;

/** The target of the live-events issue: an event reaches an SSE client within 50 ms of being recorded (p99). */
export const eventLatencyTargetMs = 50;

/** The event latency table, one row per bus, and the verdict against the target. */
export function formatEventLatency(results: readonly EventLatency[]): string {
  const first = results[0];
  const rows = results.map((result) => [
    result.bus,
    String(result.latency.count),
    ms(result.latency.p50),
    ms(result.latency.p90),
    ms(result.latency.p99),
    ms(result.latency.max),
    ms(result.openMs),
    `${result.ended}/${result.streams}`,
  ]);
  const verdicts = results.map((result) => {
    const verdict = result.latency.p99 <= eventLatencyTargetMs ? 'meets' : 'misses';
    return [
      `  ${result.bus}: p99 ${ms(result.latency.p99)} ms over ${result.events} events, ${verdict} the ${eventLatencyTargetMs} ms target (${result.wallSeconds.toFixed(1)} s for the phase);`,
      `    ${result.bus === 'redis' ? 'API process (worker in a process of its own)' : 'API + worker process'} meanwhile: ${result.cpuCores.toFixed(2)} cores busy, event-loop delay p99 ${ms(result.loopDelayP99)} ms, max ${ms(result.loopDelayMax)} ms`,
    ].join('\n');
  });
  return [
    `Event latency, ms from the event's created_at (PostgreSQL) to its arrival at an SSE client`,
    `(${first?.streams ?? 0} streams open at once on one API instance, following ${first?.runs ?? 0} runs of 200 ms steps;`,
    'clients in a worker thread; events recorded after every stream had opened; in-process: API and worker in',
    'this process on the in-process bus; redis: the API in this process, the worker a process of its own)',
    '',
    formatTable(['bus', 'deliveries', 'p50', 'p90', 'p99', 'max', 'all open after', 'ended'], rows),
    '',
    ...verdicts,
  ].join('\n');
}

function summaryRow(label: string, summary: Summary): string[] {
  return [label, ms(summary.p50), ms(summary.p90), ms(summary.p99), ms(summary.mean), ms(summary.max)];
}

/** The run-start latency table and what its rows mean. */
export function formatRunStartLatency(result: RunStartLatency): string {
  const { count } = result.modelStepBegan;
  return [
    `Run-start latency, ms from just before POST /v1/runs (${count} runs of a one-step scripted agent,`,
    `${result.concurrency} in flight; each lane waits for its run to end before posting the next)`,
    '',
    formatTable(
      ['until', 'p50', 'p90', 'p99', 'mean', 'max'],
      [
        summaryRow('202 Accepted (row written, workflow started)', result.accepted),
        summaryRow('modelStep activity of step 1 began (worker)', result.modelStepBegan),
        summaryRow('model.started event of step 1 (DB now())', result.modelStartedEvent),
      ],
    ),
    '',
    `  ${result.wallSeconds.toFixed(1)} s for the phase, warm-up included.`,
  ].join('\n');
}

/** The thread-turn latency table: a first turn beside a turn on a long thread, and the ratio. */
export function formatThreadTurnLatency(result: ThreadTurnLatency): string {
  const { firstTurn, longThread, historyMessages } = result;
  const ratio = longThread.modelStepEnded.p50 / firstTurn.modelStepEnded.p50;
  return [
    `Thread-turn latency, ms from just before POST /v1/threads/{id}/runs (${firstTurn.modelStepEnded.count} turns of each`,
    `kind, one at a time, of a one-step scripted agent; the model step's activity reads the thread's history)`,
    '',
    formatTable(
      ['until', 'p50', 'p90', 'p99', 'mean', 'max'],
      [
        summaryRow('first turn: model step began', firstTurn.modelStepBegan),
        summaryRow('first turn: model step ended', firstTurn.modelStepEnded),
        summaryRow(`${historyMessages} earlier messages: model step began`, longThread.modelStepBegan),
        summaryRow(`${historyMessages} earlier messages: model step ended`, longThread.modelStepEnded),
      ],
    ),
    '',
    `  ${ratio.toFixed(2)}× a first turn at p50 until the model step ended (target: within 1.2×).`,
  ].join('\n');
}

/**
 * The per-step overhead table, the ratio to the baseline and the verdict against the target.
 * `stockTemporal`: the dev server ran with its stock rate limits, which cap both sides alike.
 */
export function formatStepOverhead(result: StepOverhead, stockTemporal: boolean): string {
  const { agent, baseline, toolSteps } = result;
  // A ratio to a baseline of almost nothing says nothing: the difference says more there.
  const row = (label: string, ours: Summary, theirs: Summary) => [
    label,
    ms(ours.p50),
    ms(ours.mean),
    ms(theirs.p50),
    ms(theirs.mean),
    ms(ours.p50 - theirs.p50),
    theirs.p50 >= 1 ? `${(ours.p50 / theirs.p50).toFixed(2)}×` : '–',
  ];
  const ratio = agent.endToEnd.p50 / baseline.endToEnd.p50;
  const verdict = stockTemporal
    ? "not comparable with the target: the stock dev server's ~50 ms per workflow task dominates both sides"
    : ratio <= targetRatio
      ? `within the ${targetRatio}× target`
      : `misses the ${targetRatio}× target: the runtime's own work (database writes per event) is the difference`;
  return [
    `Per-step overhead, ms per step (${agent.endToEnd.count} runs each of ${toolSteps} steps of model call + echo`,
    'tool call, then a final model call; one run at a time, agent and baseline alternating)',
    '',
    formatTable(
      ['ms/step', 'agent p50', 'agent mean', 'baseline p50', 'baseline mean', 'diff p50', 'ratio p50'],
      [
        row('end to end (start → result) / steps', agent.endToEnd, baseline.endToEnd),
        row('steady state (model@1 → model@last)', agent.steadyState, baseline.steadyState),
        row('  of which inside the model activity', agent.insideModel, baseline.insideModel),
        row('  of which inside the tool activity', agent.insideTool, baseline.insideTool),
      ],
    ),
    '',
    `  End-to-end ratio ${ratio.toFixed(2)}×: ${verdict}.`,
    `  Start → model activity of step 1 began, one run at a time: agent p50 ${ms(agent.startToFirstModel.p50)} ms`,
    `  (POST, run row, startRun in the first workflow task), baseline p50 ${ms(baseline.startToFirstModel.p50)} ms (workflow start).`,
  ].join('\n');
}

/** The worker recovery table, one block of rows per `WORKER_TUNING`, and the verdict against the target. */
export function formatWorkerRecovery(results: readonly WorkerRecovery[]): string {
  const rows = results.flatMap((result) => {
    const row = (label: string, summary: Summary | undefined) => {
      const first = `${result.tuning.padEnd(8)} ${label}`;
      return summary
        ? [first, String(summary.count), ms(summary.p50), ms(summary.p90), ms(summary.p99), ms(summary.max)]
        : [first, '0', '–', '–', '–', '–'];
    };
    return [
      row('interrupted step restarted on the survivor', result.stepRetried),
      row('next model step began, every run', result.nextStep),
      row('  runs whose step was interrupted', result.nextStepAfterRetry),
      row('  runs whose step was on the survivor', result.nextStepOfSurvivors),
    ];
  });
  const verdicts = results.map((result) => {
    const p99 = result.stepRetried?.p99;
    if (p99 === undefined)
      return `  ${result.tuning}: no step was interrupted (every call ran on the surviving worker)`;
    const verdict = p99 <= recoveryTargetMs ? 'meets' : 'misses';
    return `  ${result.tuning}: interrupted step restarted p99 ${ms(p99)} ms, ${verdict} the ${recoveryTargetMs / 1000} s target`;
  });
  const runs = results[0]?.runs ?? 0;
  return [
    `Worker recovery, ms from kill -9 of one of two worker processes (${runs} runs in flight, each inside a tool`,
    'call; the tool answers the calls still connected at the kill, so every run is due to take its next step)',
    '',
    formatTable(['WORKER_TUNING, from the kill until', 'runs', 'p50', 'p90', 'p99', 'max'], rows),
    '',
    ...verdicts,
  ].join('\n');
}

/** The adapter overhead table: per adapter, the runtime's ms per step beside the same agent driven directly. */
export function formatAdapterOverhead(result: AdapterOverhead): string {
  // A ratio to a loop of microseconds says nothing: the difference says more there.
  const ratio = (ours: number, theirs: number) => (theirs >= 0.1 ? `${(ours / theirs).toFixed(1)}×` : '–');
  const rows = result.adapters.map((cost) => [
    cost.adapter,
    ms(cost.endToEnd.p50),
    ms(cost.steadyState.p50),
    cost.direct.p50.toFixed(3),
    ms(cost.endToEnd.p50 - cost.direct.p50),
    ratio(cost.endToEnd.p50, cost.direct.p50),
    ms(cost.steadyState.p50 - cost.direct.p50),
  ]);
  const runs = result.adapters[0]?.direct.count ?? 0;
  return [
    `Adapter overhead, ms per step (${runs} runs of each adapter of ${result.toolSteps} steps of decision + echo`,
    'tool call, then a final decision; through the runtime (POST /v1/runs) and the same agent driven directly',
    'in this process, one run at a time, the two sides alternating: a plain loop with the echo tool called',
    "inline; the AI SDK agent by the SDK's own streamText tool loop; the OpenAI agent by the SDK's streamed",
    'Runner loop; the LangGraph graphs by graph.invoke with a MemorySaver, one super-step per step of',
    'decision + echo)',
    '',
    formatTable(
      [
        'adapter',
        'runtime e2e p50',
        'runtime steady p50',
        'direct p50',
        'diff e2e p50',
        'ratio e2e p50',
        'diff steady p50',
      ],
      rows,
    ),
    '',
    '  e2e: POST → result, / steps; steady: decision activity of step 1 → of the final step, / steps;',
    '  direct: the loop of every decision and echo call, / steps. The diff is what the runtime adds per step.',
    '  LangGraph graph: echo runs in its node, so a step is one durable step (the super-step, checkpointed in',
    '  PostgreSQL) and no tool step. Echo via runtime: the node asks for echo by callRuntimeTools (an interrupt;',
    "  directly: resumed inline by Command), so a step is a model step, a tool step and the resumed node's step.",
    `  Machine load (1-min average) ${result.loadAverage[0].toFixed(2)} when the phase began, ${result.loadAverage[1].toFixed(2)} when it ended.`,
  ].join('\n');
}

/** The CLI's first token is on stdout within this long of its arrival at the API (#15). */
export const cliFirstTokenTargetMs = 50;

/** The CLI first-token table and its verdict. */
export function formatCliFirstToken(result: CliFirstToken): string {
  const verdict = result.latency.p99 <= cliFirstTokenTargetMs ? 'meets' : 'misses';
  return [
    "CLI first token, ms from the API's run event bus getting a run's first text delta to the text on the",
    `stdout of \`agent-runtime runs start --follow\` (${result.latency.count} runs, one CLI process each, one at a time)`,
    '',
    formatTable(['', 'p50', 'p90', 'p99', 'mean', 'max'], [summaryRow('first token', result.latency)]),
    '',
    `  p99 ${ms(result.latency.p99)} ms, ${verdict} the ${cliFirstTokenTargetMs} ms target; the whole command took ${ms(result.commandMs.p50)} ms (p50, mostly Node starting)`,
  ].join('\n');
}

/** The schedule fire accuracy table: how late each fire's run started. */
export function formatScheduleFireAccuracy(result: ScheduleFireAccuracy): string {
  return [
    `Schedule fire accuracy, ms from each fire time to its run's start (${result.fireToStarted.count} fires of a schedule`,
    'every second, overlap allow_all, a one-step scripted agent; the Temporal schedule, the scheduledRun workflow,',
    'the run create and the run workflow)',
    '',
    formatTable(['until', 'p50', 'p90', 'p99', 'mean', 'max'], [summaryRow('run started', result.fireToStarted)]),
  ].join('\n');
}

/** The webhook latency table: from a run event's commit to its delivery reaching the receiver. */
export function formatWebhookLatency(result: WebhookLatency): string {
  return [
    `Webhook latency, ms from a run.succeeded event's commit to a loopback receiver reading its signed delivery`,
    `(${result.eventToReceiver.count} one-step runs, one at a time; the outbox row, the dispatcher's sweep every`,
    `${result.dispatchIntervalMs} ms, the webhookDelivery workflow and its attempt activity)`,
    '',
    formatTable(['until', 'p50', 'p90', 'p99', 'mean', 'max'], [summaryRow('received', result.eventToReceiver)]),
  ].join('\n');
}

/** The LangGraph API phase: the same graph through `/lg`, through `/v1`, and on LangGraph's in-memory server. */
export function formatLangGraphApiLatency(result: LangGraphApiLatency): string {
  const rows = result.paths.flatMap((path) => [
    summaryRow(`${path.path}: first super-step`, path.firstUpdate),
    summaryRow(`${path.path}: each further super-step`, path.perStep),
  ]);
  return [
    `LangGraph API latency, ms (${result.runs} runs each, one at a time, of a ${result.steps}-super-step LangGraph graph; first`,
    'super-step: from just before the request until its update arrives; each further one: between updates)',
    '',
    formatTable(['path', 'p50', 'p90', 'p99', 'mean', 'max'], rows),
    '',
    '  /lg and /v1 run each super-step as a durable activity with a checkpoint in PostgreSQL; the in-memory',
    '  server runs them in its process with nothing durable: the difference is the price of durability.',
  ].join('\n');
}

/** The run page must show a 500-step run within this long (issue 16). */
export const consoleRenderTargetMs = 1000;

/** The console's run page: load to the whole timeline, and the frames while the last step streams. */
export function formatConsoleRender(result: ConsoleRender): string {
  const verdict = result.renderMs.p90 <= consoleRenderTargetMs ? 'meets' : 'misses';
  return [
    `Console run page in Chromium, a finished run of ${result.steps} steps (${result.renderMs.count} fresh loads: ms from`,
    'navigation to the last step shown: the stored events read as JSON pages, then SSE), and the intervals between the',
    `page's animation frames while the last step's text streamed in (${result.streamingSeconds.toFixed(1)} s, 4 characters every 10 ms)`,
    '',
    formatTable(
      ['', 'p50', 'p90', 'p99', 'mean', 'max'],
      [summaryRow('load to shown', result.renderMs), summaryRow('frame interval', result.frameMs)],
    ),
    '',
    `  load p90 ${ms(result.renderMs.p90)} ms, ${verdict} the ${consoleRenderTargetMs} ms target; while streaming ${result.slowFrames} frames over 50 ms,`,
    `  ${result.longTasks} long tasks (${ms(result.longTaskMs)} ms in all)`,
  ].join('\n');
}
