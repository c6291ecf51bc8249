import { setTimeout as delay } from 'node:timers/promises';
import type { BenchRuntime } from './bench-runtime.ts';
import { summarize, type Summary } from './percentiles.ts';
import { createScriptedAgent, oneStepAgentSpec } from './scripted-agents.ts';

/** How the schedule fire accuracy is sampled. */
export interface ScheduleFireAccuracyOptions {
  /** Fires of a schedule every second, each measured. */
  readonly fires: number;
  readonly signal: AbortSignal;
}

/** How late scheduled runs start, in milliseconds from their fire time. */
export interface ScheduleFireAccuracy {
  /** Fire time (Temporal's scheduled time, the run's `schedule.firedAt`) → the run's `startedAt`. */
  readonly fireToStarted: Summary;
}

interface ScheduledRun {
  readonly metadata: Record<string, string>;
  readonly startedAt: string | null;
}

/**
 * Creates a schedule of a one-step scripted agent firing every second `fires` times (overlap
 * `allow_all`, so no fire waits for the one before), and measures, for each fire, the time
 * from its fire time to its run's start: Temporal's schedule, the `scheduledRun` workflow and
 * its activity, the run create through the run service, and the run workflow's first step.
 */
export async function measureScheduleFireAccuracy(
  runtime: BenchRuntime,
  options: ScheduleFireAccuracyOptions,
): Promise<ScheduleFireAccuracy> {
  const agentId = await createScriptedAgent(runtime, 'bench-schedule', oneStepAgentSpec);
  const firstFire = Math.ceil(Date.now() / 1000) * 1000 + 2000;
  const response = await runtime.request('POST', '/v1/schedules', {
    agentId,
    input: 'tick',
    spec: {
      intervals: [{ everySeconds: 1 }],
      startAt: new Date(firstFire).toISOString(),
      endAt: new Date(firstFire + (options.fires - 1) * 1000).toISOString(),
    },
    overlap: 'allow_all',
  });
  const schedule = (await response.json()) as { id: string };
  if (response.status !== 201) throw new Error(`create schedule: HTTP ${response.status} ${JSON.stringify(schedule)}`);
  try {
    const deadline = firstFire + options.fires * 1000 + 30_000;
    for (;;) {
      options.signal.throwIfAborted();
      const page = (await (await runtime.request('GET', `/v1/runs?agentId=${agentId}&limit=100`)).json()) as {
        items: ScheduledRun[];
      };
      const started = page.items.filter((run) => run.startedAt !== null);
      if (started.length >= options.fires) {
        const lateness = started.map(
          (run) => Date.parse(run.startedAt ?? '') - Date.parse(run.metadata['schedule.firedAt'] ?? ''),
        );
        return { fireToStarted: summarize(lateness) };
      }
      if (Date.now() > deadline) throw new Error(`only ${started.length} of ${options.fires} scheduled runs started`);
      await delay(500);
    }
  } finally {
    await runtime.request('DELETE', `/v1/schedules/${schedule.id}`);
  }
}
