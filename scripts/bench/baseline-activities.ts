/** A tool call as the baseline's stand-in model asks for it. */
export interface BaselineToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: Record<string, unknown>;
}

/** What the stand-in model answers: tool calls until the last step, then a final text. */
export interface BaselineReply {
  readonly text: string;
  readonly toolCalls: readonly BaselineToolCall[];
}

/**
 * Trivial activities standing for a model call and a tool call: no database, no I/O. They
 * cost what Temporal itself costs to schedule, run and record an activity, and no more.
 */
export function createBaselineActivities() {
  return {
    /** Stands for a model call: step `n` asks for one echo call until `toolSteps` is reached. */
    async baselineModel({ step, toolSteps }: { step: number; toolSteps: number }): Promise<BaselineReply> {
      if (step > toolSteps) return { text: 'done', toolCalls: [] };
      return { text: '', toolCalls: [{ id: 'call_0', name: 'echo', arguments: { step } }] };
    },
    /** Stands for a tool call: echoes its arguments. */
    async baselineTool({ call }: { step: number; call: BaselineToolCall }): Promise<Record<string, unknown>> {
      return call.arguments;
    },
  };
}

/** The baseline activities as the baseline workflow sees them (types only). */
export type BaselineActivities = ReturnType<typeof createBaselineActivities>;
