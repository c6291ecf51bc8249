import type { CodeAgent } from '@agent-runtime/agents';
import type { RunControl } from './run-control.ts';

/** How a representative run must end, or its history does not show the path it is named after. */
export interface ExpectedOutcome {
  readonly status: 'succeeded' | 'failed' | 'cancelled' | 'timed_out';
  /** The run error's code, for runs that do not succeed. */
  readonly errorCode?: string;
}

/** One run whose history is kept under `services/worker/src/workflows/histories/<name>.json`. */
export interface RepresentativeRun {
  /** File name without `.json`: kebab-case, says what the run does. */
  readonly name: string;
  /** The agent spec; the seeded example agent when omitted. */
  readonly spec?: unknown;
  /** What a message sent while a step is in flight does. @default 'enqueue' */
  readonly messagePolicy?: 'reject' | 'enqueue' | 'interrupt';
  /**
   * Starts the workflow directly with this history threshold, so the run continues as new
   * between steps; every execution of the run is recorded, as `<name>.<n>.json`.
   */
  readonly continueAsNewAfterEvents?: number;
  /** Acts on the run from outside while it executes: approvals, messages, cancellation. */
  readonly drive?: (run: RunControl) => Promise<void>;
  /**
   * Replays the run once it has ended (`POST /v1/runs/{id}/replay`) from this step, and records
   * the replay's history instead: `expected` is the replay's outcome.
   */
  readonly replayFromStep?: number;
  readonly expected: ExpectedOutcome;
}

/** A tool call that waits for a human decision, then a final answer. */
const approvalSpec = (approvals: Record<string, unknown> = {}) => ({
  model: {
    provider: 'scripted',
    replies: [
      { text: 'may I?', toolCalls: [{ id: 'pay', name: 'echo', arguments: { amount: 10 } }] },
      { text: 'done' },
    ],
  },
  tools: [{ name: 'echo', requiresApproval: true }],
  approvals,
});

/** A tool call that waits for an outside system's POST to its callback URL, then a final answer. */
const callbackSpec = (tool: Record<string, unknown> = {}) => ({
  model: {
    provider: 'scripted',
    replies: [
      { text: 'asking the bank', toolCalls: [{ id: 'pay', name: 'await_payment', arguments: { invoice: 7 } }] },
      { text: 'done' },
    ],
  },
  tools: [{ kind: 'callback', name: 'await_payment', ...tool }],
});

/** A 30 s sleep that something (a message, a cancel, the deadline) cuts short. */
const napSpec = (limits: Record<string, unknown> = {}) => ({
  model: {
    provider: 'scripted',
    replies: [
      { text: 'napping', toolCalls: [{ id: 'nap', name: 'sleep', arguments: { seconds: 30 } }] },
      { text: 'up' },
    ],
  },
  tools: [{ name: 'sleep' }],
  limits,
});

/** A calculator call that fails (invalid expression) under the given error policy. */
const failingToolSpec = (onError: 'return' | 'fail') => ({
  model: {
    provider: 'scripted',
    replies: [{ toolCalls: [{ id: 'bad', name: 'calculator', arguments: { expression: '1 +' } }] }, { text: 'ok' }],
  },
  tools: [{ name: 'calculator', onError }],
});

async function expectDisposition(run: RunControl, content: string, expected: string): Promise<void> {
  const disposition = await run.sendMessage(content);
  if (disposition !== expected) throw new Error(`message was ${disposition}, expected ${expected}`);
}

/**
 * Every path through `agentRun` worth pinning: each history records the commands the
 * workflow issued on one path, and the replay test demands that today's code issues the
 * same ones. Add a run here when the workflow grows a path none of these takes.
 */
export const representativeRuns: readonly RepresentativeRun[] = [
  { name: 'example-calculator', expected: { status: 'succeeded' } },
  {
    name: 'multi-tool-step',
    spec: {
      model: {
        provider: 'scripted',
        replies: [
          {
            text: 'two tools at once',
            toolCalls: [
              { id: 'e', name: 'echo', arguments: { n: 1 } },
              { id: 'c', name: 'calculator', arguments: { expression: '2 + 3' } },
            ],
          },
          { text: 'done' },
        ],
      },
      tools: [{ name: 'echo' }, { name: 'calculator' }],
    },
    expected: { status: 'succeeded' },
  },
  {
    name: 'approval-approved',
    spec: approvalSpec(),
    async drive(run) {
      await run.decide(await run.waitForApproval(), 'approve', 'fine');
    },
    expected: { status: 'succeeded' },
  },
  {
    name: 'approval-rejected',
    spec: approvalSpec(),
    async drive(run) {
      await run.decide(await run.waitForApproval(), 'reject', 'too much');
    },
    expected: { status: 'succeeded' },
  },
  { name: 'approval-expired', spec: approvalSpec({ timeoutSeconds: 1 }), expected: { status: 'succeeded' } },
  {
    name: 'approval-expired-fails-run',
    spec: approvalSpec({ timeoutSeconds: 1, onTimeout: 'fail' }),
    expected: { status: 'failed', errorCode: 'approval_expired' },
  },
  {
    name: 'callback-completed',
    spec: callbackSpec(),
    async drive(run) {
      await run.completeCallback({ paid: true });
    },
    expected: { status: 'succeeded' },
  },
  { name: 'callback-expired', spec: callbackSpec({ timeoutSeconds: 1 }), expected: { status: 'succeeded' } },
  {
    name: 'callback-expired-fails-run',
    spec: callbackSpec({ timeoutSeconds: 1, onTimeout: 'fail' }),
    expected: { status: 'failed', errorCode: 'callback_expired' },
  },
  {
    name: 'message-while-waiting',
    spec: approvalSpec(),
    async drive(run) {
      const approvalId = await run.waitForApproval();
      await expectDisposition(run, 'also check the date', 'enqueued');
      await run.decide(approvalId, 'approve', 'fine');
    },
    expected: { status: 'succeeded' },
  },
  {
    name: 'message-interrupts-sleep',
    spec: napSpec(),
    messagePolicy: 'interrupt',
    async drive(run) {
      await run.waitForToolStart();
      await expectDisposition(run, 'wake up', 'interrupted');
    },
    expected: { status: 'succeeded' },
  },
  {
    name: 'cancelled-during-sleep',
    spec: napSpec(),
    async drive(run) {
      await run.waitForToolStart();
      await run.cancel();
    },
    expected: { status: 'cancelled', errorCode: 'run_cancelled' },
  },
  {
    name: 'run-deadline',
    spec: napSpec({ timeoutSeconds: 1 }),
    expected: { status: 'timed_out', errorCode: 'run_timed_out' },
  },
  {
    name: 'model-retried',
    spec: { model: { provider: 'scripted', replies: [{ text: 'finally', failures: [{ status: 503 }] }] } },
    expected: { status: 'succeeded' },
  },
  {
    name: 'model-rejected',
    spec: { model: { provider: 'scripted', replies: [{ text: 'never', failures: [{ status: 400 }] }] } },
    expected: { status: 'failed', errorCode: 'model_request_rejected' },
  },
  {
    name: 'max-steps-exceeded',
    spec: {
      model: { provider: 'scripted', replies: [{ toolCalls: [{ id: 'again', name: 'echo', arguments: {} }] }] },
      tools: [{ name: 'echo' }],
      limits: { maxSteps: 2 },
    },
    expected: { status: 'failed', errorCode: 'max_steps_exceeded' },
  },
  {
    // Two executions: startRun and step 1, continued as new; then steps 2 and 3 and
    // finishRun, under the deadline carried over from the first.
    name: 'continued-as-new',
    spec: {
      model: {
        provider: 'scripted',
        replies: [
          { toolCalls: [{ id: 'first', name: 'echo', arguments: { n: 1 } }] },
          { toolCalls: [{ id: 'second', name: 'echo', arguments: { n: 2 } }] },
          { text: 'done' },
        ],
      },
      tools: [{ name: 'echo' }],
      limits: { timeoutSeconds: 600 },
    },
    continueAsNewAfterEvents: 20,
    expected: { status: 'succeeded' },
  },
  { name: 'tool-error-returned', spec: failingToolSpec('return'), expected: { status: 'succeeded' } },
  {
    name: 'tool-error-fails-run',
    spec: failingToolSpec('fail'),
    expected: { status: 'failed', errorCode: 'invalid_expression' },
  },
  {
    // A replay from step 2 of an approved run: step 1's call answers its record, asking no
    // approval, and step 2 runs anew.
    name: 'replay-skips-approval',
    spec: approvalSpec(),
    async drive(run) {
      await run.decide(await run.waitForApproval(), 'approve', 'fine');
    },
    replayFromStep: 2,
    expected: { status: 'succeeded' },
  },
  {
    // A code agent (recordingCodeAgents) counting in its state: the state rides in the step
    // inputs and results and across continue-as-new, and the run ends with its final output.
    name: 'code-agent-state',
    spec: { agent: { kind: 'code', name: 'count-to-three' }, tools: [{ name: 'echo' }] },
    continueAsNewAfterEvents: 20,
    expected: { status: 'succeeded' },
  },
];

/** The code agents the recording worker registers, for the representative runs that name them. */
export const recordingCodeAgents: Readonly<Record<string, CodeAgent>> = {
  'count-to-three': ({ state }) => {
    const count = ((state as { count?: number } | undefined)?.count ?? 0) + 1;
    if (count === 3) return { final: { count } };
    return { toolCalls: [{ id: `echo-${count}`, name: 'echo', arguments: { count } }], state: { count } };
  },
};
