import type { AgentRuntimeClient, RunStatus, RunStreamEvent } from '@agent-runtime/sdk';
import type { CliContext } from '../cli-context.ts';
import { approvalInstructions, promptForApproval } from './approval-prompt.ts';
import { shortJson } from './format-json.ts';
import { StepTextTracker } from './step-text.ts';
import { terminalStatusOf } from './terminal-status.ts';

/** How a followed run ended. */
export interface FollowedRun {
  readonly runId: string;
  readonly status: RunStatus;
}

/** Options of {@link followRunOutput}. */
export interface FollowRunOutputOptions {
  /** Events with a greater `seq` only. @default 0 */
  readonly after?: number;
  /** Ask the person at the terminal about approvals (when there is one). @default true */
  readonly promptApprovals?: boolean;
  /** Say how the run ended on stderr. @default true */
  readonly reportEnd?: boolean;
}

/**
 * Follows a run to its end and shows it as it happens: the model's text token by token on
 * stdout, tool calls and their results, approvals (asked inline when a person is at the
 * terminal, else how to decide), messages and artifacts. With `--json`, every event (text
 * deltas included) is one line of JSON on stdout. Answers the terminal state.
 */
export async function followRunOutput(
  context: CliContext,
  client: AgentRuntimeClient,
  runId: string,
  options: FollowRunOutputOptions = {},
): Promise<FollowedRun> {
  const { output } = context;
  const paint = output.palette.paint.bind(output.palette);
  const text = new StepTextTracker();
  // Whether the cursor is in the middle of a line of model text.
  let midLine = false;
  const writeText = (piece: string) => {
    if (piece === '') return;
    output.write(piece);
    midLine = !piece.endsWith('\n');
  };
  const endLine = () => {
    if (midLine) output.write('\n');
    midLine = false;
  };
  const line = (content: string) => {
    endLine();
    output.line(content);
  };

  for await (const event of client.runs.follow(runId, { after: options.after ?? 0 })) {
    if (output.json) {
      output.write(`${JSON.stringify(event)}\n`);
      const status = event.type === 'model.delta' ? undefined : terminalStatusOf(event);
      if (status) return { runId, status };
      continue;
    }
    const status = await show(event);
    if (status) {
      endLine();
      if (options.reportEnd !== false) reportEnd(context, runId, event, status);
      return { runId, status };
    }
  }
  throw new Error(`the event stream of run ${runId} ended before the run did`);

  async function show(event: RunStreamEvent): Promise<RunStatus | undefined> {
    switch (event.type) {
      case 'model.delta': {
        const piece = text.delta(event.step, event.attempt, event.text);
        if (piece.restarted) line(paint('dim', '↻ the step is retried'));
        writeText(piece.text);
        return undefined;
      }
      case 'model.completed':
        if (event.step !== null) writeText(text.completed(event.step, event.data.text));
        endLine();
        return undefined;
      case 'tool.started':
        line(paint('dim', `→ ${event.data.tool}(${shortJson(event.data.input)})`));
        return undefined;
      case 'tool.completed':
        line(
          event.data.ok
            ? paint('dim', `← ${event.data.tool}: ${shortJson(event.data.output ?? null)}`)
            : paint(
                'red',
                `← ${event.data.tool} failed: ${event.data.error?.code ?? ''} ${event.data.error?.message ?? ''}`,
              ),
        );
        return undefined;
      case 'approval.requested':
        line(paint('yellow', `? ${event.data.tool}(${shortJson(event.data.input)}) needs approval`));
        if (options.promptApprovals !== false && context.prompter.interactive) {
          await promptForApproval(context, client, runId, event.data);
        } else {
          line(approvalInstructions(runId, event.data.approvalId));
        }
        return undefined;
      case 'approval.decided': {
        const verb = { approve: 'approved', reject: 'rejected', expire: 'expired' }[event.data.decision];
        const comment = event.data.comment ? `: ${event.data.comment}` : '';
        line(
          paint(event.data.decision === 'approve' ? 'green' : 'yellow', `${verb} by ${event.data.decidedBy}${comment}`),
        );
        return undefined;
      }
      case 'callback.waiting':
        line(
          paint('yellow', `? ${event.data.tool} waits for a POST to ${event.data.url} (until ${event.data.expiresAt})`),
        );
        return undefined;
      case 'callback.resolved':
        line(paint(event.data.outcome === 'completed' ? 'green' : 'yellow', `callback ${event.data.outcome}`));
        return undefined;
      case 'message.received':
        line(paint('cyan', `» ${event.data.content}`));
        return undefined;
      case 'artifact.created':
        line(paint('dim', `artifact ${event.data.name} (${event.data.size} bytes, ${event.data.id})`));
        return undefined;
      case 'run.succeeded':
        // A text answer was shown as it streamed; any other output (a code agent's JSON) is shown here.
        if (!text.anyShown && event.data.output !== null && event.data.output !== undefined) {
          line(typeof event.data.output === 'string' ? event.data.output : JSON.stringify(event.data.output, null, 2));
        }
        return 'succeeded';
      default:
        return terminalStatusOf(event);
    }
  }
}

/** The closing note: how the run ended, and why when it did not succeed. */
function reportEnd(context: CliContext, runId: string, event: RunStreamEvent, status: RunStatus): void {
  const { output } = context;
  const paint = output.errorPalette.paint.bind(output.errorPalette);
  if (status === 'succeeded') return output.success(`run ${runId} succeeded`);
  const error = event.type !== 'model.delta' && 'error' in event.data ? event.data.error : undefined;
  const why = error ? `: ${error.code}: ${error.message}` : '';
  output.stderr.write(`${paint('red', '✗')} run ${runId} ${status.replace('_', ' ')}${why}\n`);
}
