import type { RunEvent } from '@agent-runtime/core';
import { isStoredEvent, type RunStreamItem } from '../../live/follow-run-events.ts';
import { formatStreamPosition, type RunStreamPosition } from '../../live/stream-position.ts';

/** The stream modes of LangGraph's API; `messages-tuple` streams as `messages` events. */
export const langGraphStreamModes = [
  'values',
  'updates',
  'messages',
  'messages-tuple',
  'custom',
  'events',
  'debug',
  'tasks',
  'checkpoints',
] as const;
export type LangGraphStreamMode = (typeof langGraphStreamModes)[number];

/** One server-sent event of a LangGraph stream. */
export interface LangGraphStreamEvent {
  readonly id: string;
  readonly event: string;
  readonly data: unknown;
}

/** What the translation of one run needs to know. */
export interface RunTranslation {
  readonly runId: string;
  /** LangGraph graph agents stream their super-steps' updates; others a conversation of messages. */
  readonly graphAgent: boolean;
  /** The thread's values before the run (its earlier turns), `{}` for a new thread. */
  readonly initialValues: Record<string, unknown>;
  readonly streamModes: readonly LangGraphStreamMode[];
}

/** A message as LangChain serializes one. */
function messageOf(type: 'human' | 'ai', content: string, id: string) {
  return { type, content, id, ...(type === 'ai' ? { tool_calls: [], invalid_tool_calls: [] } : {}) };
}

/** The text of a run's input when it is a message (a string or `{ message }`). */
function inputText(input: unknown): string | undefined {
  if (typeof input === 'string') return input;
  if (input !== null && typeof input === 'object' && 'message' in input && typeof input.message === 'string')
    return input.message;
  return undefined;
}

/** Whether a JSON value is a plain object. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A super-step's state updates as the LangGraph adapter records them (`[{ node: update }]`), if its text is that. */
function stateUpdatesOf(text: string): Record<string, unknown>[] | undefined {
  if (!text.startsWith('[')) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) && parsed.every(isRecord) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Translates one run's stream (its stored events and model text deltas) into LangGraph's
 * stream events, keeping the thread's values as they change: a graph agent's super-step
 * updates are merged into them (exact for last-value channels; a reducer channel is exact at
 * the graph's end, whose final state replaces them), another agent's turn appends its user
 * and assistant messages to `messages`. Each event's id is the position of the item it came
 * from (`<seq>` or a delta's `<seq>:<step>:<attempt>:<index>`), with `#<n>` for the second
 * and later events one item makes, so a client resumes exactly where it was.
 */
export class LangGraphRunTranslator {
  #values: Record<string, unknown>;
  readonly #options: RunTranslation;
  readonly #modes: ReadonlySet<LangGraphStreamMode>;
  /** Steps whose text arrived as deltas: their `model.completed` sends no whole message again. */
  readonly #streamedSteps = new Set<number>();
  #ended = false;
  #interrupts: { id: string; value: unknown }[] = [];

  constructor(options: RunTranslation) {
    this.#options = options;
    this.#values = structuredClone(options.initialValues);
    this.#modes = new Set(options.streamModes);
  }

  /** The thread's values as far as the run has got. */
  get values(): Record<string, unknown> {
    return this.#values;
  }

  /** The interrupts (approvals) the run waits for now. */
  get interrupts(): readonly { id: string; value: unknown }[] {
    return this.#interrupts;
  }

  /** Whether the run reached its end (succeeded, failed or cancelled): the stream ends there. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Marks a step whose text a client had begun to receive as deltas before it reconnected. */
  markStreamed(step: number): void {
    this.#streamedSteps.add(step);
  }

  /** The LangGraph events of one item of the run's stream. */
  translate(item: RunStreamItem): LangGraphStreamEvent[] {
    if (!isStoredEvent(item)) {
      this.#streamedSteps.add(item.delta.step);
      if (!this.#wantsMessages()) return [];
      const chunk = { ...messageOf('ai', item.delta.text, this.#messageId(item.delta.step)), type: 'AIMessageChunk' };
      return this.#number(item.position, [['messages', [chunk, this.#messageMetadata(item.delta.step)]]]);
    }
    return this.#number({ seq: item.seq }, this.#eventsOf(item));
  }

  #wantsMessages(): boolean {
    return this.#modes.has('messages-tuple') || this.#modes.has('messages');
  }

  #messageId(step: number): string {
    return `run-${this.#options.runId}-${step}`;
  }

  #messageMetadata(step: number) {
    return {
      langgraph_step: step,
      langgraph_node: this.#options.graphAgent ? 'graph' : 'agent',
      run_id: this.#options.runId,
    };
  }

  #number(position: RunStreamPosition, events: [string, unknown][]): LangGraphStreamEvent[] {
    const id = formatStreamPosition(position);
    return events.map(([event, data], index) => ({ id: index === 0 ? id : `${id}#${index}`, event, data }));
  }

  #eventsOf(event: RunEvent): [string, unknown][] {
    const out: [string, unknown][] = [];
    const values = () => {
      if (this.#modes.has('values')) out.push(['values', structuredClone(this.#values)]);
    };
    switch (event.type) {
      case 'model.completed': {
        const { text, final } = event.data;
        if (this.#options.graphAgent) {
          const updates = stateUpdatesOf(text);
          for (const update of updates ?? []) {
            for (const [node, change] of Object.entries(update)) {
              if (this.#modes.has('updates')) out.push(['updates', { [node]: change }]);
              if (isRecord(change)) Object.assign(this.#values, change);
            }
          }
          if (isRecord(final)) this.#values = structuredClone(final);
          if (!updates && !this.#streamedSteps.has(event.step) && this.#wantsMessages() && text !== '') {
            out.push([
              'messages',
              [
                { ...messageOf('ai', text, this.#messageId(event.step)), type: 'AIMessageChunk' },
                this.#messageMetadata(event.step),
              ],
            ]);
          }
          if (updates || final !== undefined) values();
          return out;
        }
        if (text === '') return out;
        const message = messageOf('ai', text, this.#messageId(event.step));
        if (!this.#streamedSteps.has(event.step) && this.#wantsMessages()) {
          out.push(['messages', [{ ...message, type: 'AIMessageChunk' }, this.#messageMetadata(event.step)]]);
        }
        this.#values = { ...this.#values, messages: [...this.#messagesSoFar(), message] };
        if (this.#modes.has('updates')) out.push(['updates', { agent: { messages: [message] } }]);
        values();
        return out;
      }
      case 'approval.requested': {
        const interrupt = {
          id: event.data.approvalId,
          value: {
            approvalId: event.data.approvalId,
            tool: event.data.tool,
            input: event.data.input,
            expiresAt: event.data.expiresAt,
          },
        };
        if (this.#modes.has('updates')) out.push(['updates', { __interrupt__: [interrupt] }]);
        if (this.#modes.has('values'))
          out.push(['values', { ...structuredClone(this.#values), __interrupt__: [interrupt] }]);
        this.#interrupts.push(interrupt);
        return out;
      }
      case 'approval.decided': {
        this.#interrupts = this.#interrupts.filter((interrupt) => interrupt.id !== event.data.approvalId);
        return out;
      }
      case 'run.succeeded':
        this.#ended = true;
        return out;
      case 'run.failed':
      case 'run.timed_out':
        this.#ended = true;
        out.push(['error', { error: event.data.error.code, message: event.data.error.message }]);
        return out;
      case 'run.cancelled':
        this.#ended = true;
        return out;
      default:
        return out;
    }
  }

  /** Starts the run's values: its input applied to the thread's (a graph's input, or the user's message). */
  start(input: unknown): LangGraphStreamEvent[] {
    if (this.#options.graphAgent) {
      if (isRecord(input)) Object.assign(this.#values, input);
    } else {
      const text = inputText(input);
      const human = messageOf('human', text ?? JSON.stringify(input), `run-${this.#options.runId}-input`);
      this.#values = { ...this.#values, messages: [...this.#messagesSoFar(), human] };
    }
    return this.#modes.has('values') ? [{ id: '0#1', event: 'values', data: structuredClone(this.#values) }] : [];
  }

  #messagesSoFar(): unknown[] {
    const messages = this.#values['messages'];
    return Array.isArray(messages) ? messages : [];
  }
}
