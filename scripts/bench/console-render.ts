import { chromium, type Page } from 'playwright-core';
import type { BenchRuntime } from './bench-runtime.ts';
import { summarize, type Summary } from './percentiles.ts';
import { createScriptedAgent, postRun } from './scripted-agents.ts';

/** How the console's run page is measured. */
export interface ConsoleRenderOptions {
  /** Steps of the run the page shows (each but the last calls `echo`; the last streams its text). */
  readonly steps: number;
  /** Fresh loads of the finished run's page, each timed. */
  readonly renders: number;
  /** Debian's Chromium (scripts/lib.sh `ensure_chromium`). */
  readonly chromiumPath: string;
  /** Aborted when the benchmark's time budget is spent. */
  readonly signal: AbortSignal;
}

/** The run page's figures: load to the whole timeline shown, and the frames while text streams in. */
export interface ConsoleRender {
  readonly steps: number;
  /** ms from navigation to the last step's text on the page (a finished run: every stored event read, then SSE). */
  readonly renderMs: Summary;
  /** The page's own intervals between animation frames while the last step streams (ms). */
  readonly frameMs: Summary;
  /** Seconds the last step's text streamed into the page. */
  readonly streamingSeconds: number;
  /** Frames later than 50 ms (a frame dropped from 20 fps) while streaming. */
  readonly slowFrames: number;
  /** Long tasks (> 50 ms on the main thread) while streaming, and their total ms. */
  readonly longTasks: number;
  readonly longTaskMs: number;
}

/** The text of the last step, streamed 4 characters every 10 ms: about 10 s of deltas. */
const streamedText = 'The console streams this answer piece by piece while 499 steps stand above it. '.repeat(50);

/** Records every animation frame and long task of the page from its start, before its own scripts. */
const recorderScript = `
  window.__frames = [];
  window.__longTasks = [];
  const frame = (time) => { window.__frames.push(time); requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push([entry.startTime, entry.duration]);
  }).observe({ type: 'longtask', buffered: true });
`;

async function getJson<T>(runtime: BenchRuntime, path: string): Promise<T> {
  const response = await runtime.request('GET', path);
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, signal: AbortSignal) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    signal.throwIfAborted();
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** ms since the page's navigation when `selector` first matched, polled every frame. */
async function shownAt(page: Page, selector: string, timeoutMs: number): Promise<number> {
  // A function, not a string: the console's CSP forbids evaluating strings in the page.
  const handle = await page.waitForFunction(
    (wanted: string) => {
      const page = globalThis as unknown as { document: { querySelector(selector: string): unknown } };
      return page.document.querySelector(wanted) ? performance.now() : 0;
    },
    selector,
    { polling: 'raf', timeout: timeoutMs },
  );
  return (await handle.jsonValue()) as number;
}

/**
 * Runs an agent of `steps` steps (the one before last sleeps 3 s, the last streams ~4,000
 * characters), opens its console page in Chromium while it sleeps, and records the page's
 * animation frames and long tasks while the text streams in below the other steps; then loads
 * the finished run's page `renders` times and times each until its last step's text shows.
 */
export async function measureConsoleRender(
  runtime: BenchRuntime,
  options: ConsoleRenderOptions,
): Promise<ConsoleRender> {
  const { steps } = options;
  const replies = [
    ...Array.from({ length: steps - 2 }, (_, index) => ({
      toolCalls: [{ id: 'call_0', name: 'echo', arguments: { step: index + 1 } }],
    })),
    { toolCalls: [{ id: 'call_0', name: 'sleep', arguments: { seconds: 3 } }] },
    { text: streamedText },
  ];
  const agentId = await createScriptedAgent(runtime, `bench-console-${Date.now()}`, {
    model: { provider: 'scripted', stream: { chunkChars: 4, chunkDelayMs: 10 }, replies },
    tools: [{ name: 'echo' }, { name: 'sleep' }],
    limits: { maxSteps: steps, timeoutSeconds: 900 },
  });
  const runId = await postRun(runtime, agentId);
  const browser = await chromium.launch({ executablePath: options.chromiumPath, args: ['--no-sandbox'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Signed in as the console keeps it: the credential in the tab's session storage.
    await context.addInitScript(
      `sessionStorage.setItem('agent-runtime.console.credential', ${JSON.stringify(
        JSON.stringify({ kind: 'api-key', apiKey: runtime.apiKey }),
      )});`,
    );
    await context.addInitScript(recorderScript);
    const page = await context.newPage();
    const runPage = `${runtime.url}/console/runs/${runId}`;

    // The run's usage is written as it ends: its events say where it is.
    let after = 0;
    await waitFor(
      'the run to reach its sleeping step',
      async () => {
        const page = await getJson<{ items: { seq: number; type: string; data: { tool?: string } }[] }>(
          runtime,
          `/v1/runs/${runId}/events?after=${after}&limit=500`,
        );
        after = page.items.at(-1)?.seq ?? after;
        return page.items.some((event) => event.type === 'tool.started' && event.data.tool === 'sleep');
      },
      600_000,
      options.signal,
    );
    await page.goto(runPage);
    const streamStart = await shownAt(page, `li.step[data-step="${steps}"] .cursor`, 60_000);
    const streamEnd = await shownAt(page, 'h1 .badge-succeeded', 120_000);
    const { frames, longTasks } = await page.evaluate<{ frames: number[]; longTasks: [number, number][] }>(
      '({ frames: window.__frames, longTasks: window.__longTasks })',
    );
    const during = frames.filter((time) => time >= streamStart && time <= streamEnd);
    const intervals = during.slice(1).map((time, index) => time - (during[index] ?? time));
    const tasks = longTasks.filter(([start]) => start >= streamStart && start <= streamEnd);

    const renders: number[] = [];
    for (let index = 0; index < options.renders; index += 1) {
      options.signal.throwIfAborted();
      await page.goto('about:blank');
      await page.goto(runPage);
      renders.push(await shownAt(page, `li.step[data-step="${steps}"] .model-text`, 60_000));
    }
    return {
      steps,
      renderMs: summarize(renders),
      frameMs: summarize(intervals.length > 0 ? intervals : [0]),
      streamingSeconds: (streamEnd - streamStart) / 1000,
      slowFrames: intervals.filter((interval) => interval > 50).length,
      longTasks: tasks.length,
      longTaskMs: tasks.reduce((sum, [, duration]) => sum + duration, 0),
    };
  } finally {
    await browser.close();
  }
}
