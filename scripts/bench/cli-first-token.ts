import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRuntime } from './bench-runtime.ts';
import { summarize, type Summary } from './percentiles.ts';
import { createScriptedAgent } from './scripted-agents.ts';

/** The `agent-runtime` executable. */
const cliBin = fileURLToPath(new URL('../../packages/cli/src/bin.ts', import.meta.url));

/** How the CLI's first-token latency is sampled. */
export interface CliFirstTokenOptions {
  /** Runs, each followed by its own `agent-runtime runs start --follow` process. */
  readonly runs: number;
  /** Unmeasured runs before them (the first compiles the CLI's modules). */
  readonly warmupRuns: number;
  /** Aborted when the benchmark's time budget is spent. */
  readonly signal: AbortSignal;
}

/** ms from the API's bus getting a run's first text delta to the CLI writing it to stdout. */
export interface CliFirstToken {
  readonly latency: Summary;
  /** The whole command, spawn to exit, for context (mostly Node's start). */
  readonly commandMs: Summary;
}

/** The text the model streams; its first piece is what the CLI must print first. */
const streamedText = 'first-token and the rest of the answer, streamed in small pieces';

/**
 * A short sleep first, so that the CLI has opened its event stream before any text exists (a
 * delta sent before is not replayed), then a step whose text streams in 6-character pieces.
 */
const spec = {
  model: {
    provider: 'scripted',
    stream: { chunkChars: 6, chunkDelayMs: 20 },
    replies: [{ toolCalls: [{ name: 'sleep', arguments: { seconds: 0.5 } }] }, { text: streamedText }],
  },
  tools: [{ name: 'sleep' }],
};

/** One `runs start --follow` process: when its stdout first showed the first piece, and its run's id. */
function followOnce(runtime: BenchRuntime, agentId: string, configHome: string) {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [cliBin, 'runs', 'start', agentId, '--input', 'go', '--follow'], {
    env: {
      ...process.env,
      XDG_CONFIG_HOME: configHome,
      AGENT_RUNTIME_URL: runtime.url,
      AGENT_RUNTIME_API_KEY: runtime.apiKey,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let firstTokenAt: number | undefined;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (firstTokenAt === undefined && stdout.includes(streamedText.slice(0, 6))) firstTokenAt = performance.now();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise<{ runId: string; firstTokenAt: number; commandMs: number }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const runId = /run (\S+) \(/.exec(stderr)?.[1];
      if (code !== 0 || runId === undefined || firstTokenAt === undefined || !stdout.includes(streamedText)) {
        reject(new Error(`agent-runtime runs start --follow exited ${code}\nstdout: ${stdout}\nstderr: ${stderr}`));
        return;
      }
      resolve({ runId, firstTokenAt, commandMs: performance.now() - startedAt });
    });
  });
}

/**
 * Runs `agent-runtime runs start <agent> --follow` (a process each, one at a time) against the
 * bench's API and measures, per run, the time from the run event bus handing the API the run's
 * first text delta (the in-process bus: API and worker share this process and its clock) to
 * that text arriving on the CLI's stdout pipe (read by this process, on the same clock).
 */
export async function measureCliFirstToken(
  runtime: BenchRuntime,
  options: CliFirstTokenOptions,
): Promise<CliFirstToken> {
  const agentId = await createScriptedAgent(runtime, `bench-cli-${Date.now()}`, spec);
  const firstPublished = new Map<string, number>();
  const publishDeltas = runtime.bus.publishDeltas.bind(runtime.bus);
  runtime.bus.publishDeltas = (runId, deltas) => {
    if (!firstPublished.has(runId) && deltas.some((delta) => delta.text !== ''))
      firstPublished.set(runId, performance.now());
    return publishDeltas(runId, deltas);
  };
  const configHome = await mkdtemp(path.join(tmpdir(), 'agent-runtime-bench-cli-'));
  const latencies: number[] = [];
  const commandMs: number[] = [];
  try {
    for (let index = 0; index < options.warmupRuns + options.runs; index += 1) {
      options.signal.throwIfAborted();
      const run = await followOnce(runtime, agentId, configHome);
      const publishedAt = firstPublished.get(run.runId);
      if (publishedAt === undefined) throw new Error(`no delta of run ${run.runId} went through the bus`);
      if (index < options.warmupRuns) continue;
      latencies.push(run.firstTokenAt - publishedAt);
      commandMs.push(run.commandMs);
    }
  } finally {
    runtime.bus.publishDeltas = publishDeltas;
    await rm(configHome, { recursive: true, force: true });
  }
  return { latency: summarize(latencies), commandMs: summarize(commandMs) };
}
