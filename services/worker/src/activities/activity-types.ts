import type { ConversationMessage, ModelReply, ToolCall, ToolOutcome } from '@agent-runtime/agents';
import type { RunError, RunLimits, RunStatus, RunUsage } from '@agent-runtime/core';

/** Identifies a run and the immutable version whose spec its steps run under. */
export interface RunRef {
  readonly runId: string;
  readonly tenantId: string;
  readonly agentId: string;
  readonly agentVersion: number;
}

/** What the workflow needs to know to drive a run, from `startRun`. */
export type StartedRun =
  | { readonly state: 'finished'; readonly status: RunStatus }
  | {
      readonly state: 'running';
      readonly ref: RunRef;
      readonly limits: RunLimits;
      readonly messages: ConversationMessage[];
    };

export interface ModelStepInput {
  readonly ref: RunRef;
  readonly step: number;
  readonly messages: readonly ConversationMessage[];
}

export interface ToolStepInput {
  readonly ref: RunRef;
  readonly step: number;
  readonly call: ToolCall;
}

/** How a run ended, as the workflow reports it. */
export type RunOutcome =
  | { readonly status: 'succeeded'; readonly output: unknown }
  | { readonly status: 'failed' | 'timed_out' | 'cancelled'; readonly error: RunError };

export interface FinishRunInput {
  readonly runId: string;
  readonly outcome: RunOutcome;
  readonly usage: RunUsage;
}

export type { ModelReply, ToolOutcome };
