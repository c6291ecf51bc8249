import type { JsonValue, RunEvent, RunStreamEvent } from '@agent-runtime/sdk';

/** One tool call of a step, from its `tool.started` and `tool.completed` events. */
export interface ToolCallView {
  readonly callId: string;
  readonly tool: string;
  input: JsonValue;
  output: JsonValue | undefined;
  ok: boolean | undefined;
  error: { readonly code: string; readonly message: string } | undefined;
  startedAt: number;
  endedAt: number | undefined;
  /** How many times it started: more than one is a retry. */
  attempts: number;
}

/** One decision step: the model's reply (streamed, then complete) and the tools it called. */
export interface StepView {
  readonly step: number;
  startedAt: number;
  endedAt: number | undefined;
  /** The reply so far: streamed pieces until `model.completed`, then its whole text. */
  text: string;
  streaming: boolean;
  /** How many times the model call started: more than one is a retry. */
  attempts: number;
  usage: { inputTokens: number; outputTokens: number; costUsd?: number | null } | undefined;
  readonly toolCalls: ToolCallView[];
}

/**
 * A run's live timeline, folded from its event stream: the stored events in order and each
 * step's text, tool calls and timings. Mutated in place, event by event (a 500-step run has
 * thousands), and read by the page once a frame; `version` says whether anything changed.
 */
export class RunTimeline {
  readonly events: RunEvent[] = [];
  readonly #steps = new Map<number, StepView>();
  #sorted: StepView[] | undefined;
  version = 0;
  /** Counts stored events only: what the waterfall and the event list show changes with it. */
  spanVersion = 0;

  /** Steps in order. */
  get steps(): readonly StepView[] {
    this.#sorted ??= [...this.#steps.values()].sort((a, b) => a.step - b.step);
    return this.#sorted;
  }

  #step(step: number, at: number): StepView {
    let view = this.#steps.get(step);
    if (!view) {
      view = {
        step,
        startedAt: at,
        endedAt: undefined,
        text: '',
        streaming: false,
        attempts: 0,
        usage: undefined,
        toolCalls: [],
      };
      this.#steps.set(step, view);
      this.#sorted = undefined;
    }
    return view;
  }

  /** Folds one event of the stream in. */
  apply(event: RunStreamEvent): void {
    this.version += 1;
    if (event.type === 'model.delta') {
      const view = this.#step(event.step, Date.now());
      view.text += event.text;
      view.streaming = true;
      return;
    }
    this.events.push(event);
    this.spanVersion += 1;
    const at = Date.parse(event.createdAt);
    if (event.step === null) return;
    const view = this.#step(event.step, at);
    switch (event.type) {
      case 'model.started':
        view.attempts += 1;
        view.startedAt = view.attempts === 1 ? at : view.startedAt;
        view.text = '';
        view.streaming = true;
        break;
      case 'model.completed':
        view.text = event.data.text;
        view.streaming = false;
        view.usage = event.data.usage;
        view.endedAt = at;
        break;
      case 'tool.started': {
        const call = view.toolCalls.find((existing) => existing.callId === event.data.callId);
        if (call) call.attempts += 1;
        else
          view.toolCalls.push({
            callId: event.data.callId,
            tool: event.data.tool,
            input: event.data.input as JsonValue,
            output: undefined,
            ok: undefined,
            error: undefined,
            startedAt: at,
            endedAt: undefined,
            attempts: 1,
          });
        break;
      }
      case 'tool.completed': {
        const call = view.toolCalls.find((existing) => existing.callId === event.data.callId);
        if (call) {
          const result = event.data;
          call.ok = result.ok;
          if (result.ok) call.output = result.output as JsonValue;
          else call.error = result.error;
          call.endedAt = at;
        }
        view.endedAt = Math.max(view.endedAt ?? at, at);
        break;
      }
      default:
        break;
    }
  }
}

/** A bar of the waterfall: where a span starts and how long it lasts, in ms from the run's start. */
export interface WaterfallBar {
  readonly label: string;
  readonly kind: 'model' | 'tool';
  readonly offsetMs: number;
  readonly durationMs: number | undefined;
  readonly retried: boolean;
}

/** The waterfall of a run's step and tool durations, from the spans its events mark. */
export function waterfallOf(timeline: RunTimeline, startedAt: number): WaterfallBar[] {
  const bars: WaterfallBar[] = [];
  for (const view of timeline.steps) {
    bars.push({
      label: `step ${view.step}`,
      kind: 'model',
      offsetMs: view.startedAt - startedAt,
      durationMs: view.endedAt === undefined ? undefined : view.endedAt - view.startedAt,
      retried: view.attempts > 1,
    });
    for (const call of view.toolCalls) {
      bars.push({
        label: call.tool,
        kind: 'tool',
        offsetMs: call.startedAt - startedAt,
        durationMs: call.endedAt === undefined ? undefined : call.endedAt - call.startedAt,
        retried: call.attempts > 1,
      });
    }
  }
  return bars;
}
