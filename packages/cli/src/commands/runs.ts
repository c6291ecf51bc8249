import { createWriteStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import {
  isTerminalStatus,
  type AgentRuntimeClient,
  type Artifact,
  type CreatedRun,
  type Run,
  type RunStatus,
} from '@agent-runtime/sdk';
import type { Command } from 'commander';
import { resolveAgent } from '../agents/resolve-agent.ts';
import type { CliContext } from '../cli-context.ts';
import { CliError } from '../errors/cli-error.ts';
import { exitCodeOfRun, ExitCode, type ExitCodeValue } from '../errors/exit-codes.ts';
import type { Column } from '../output/table.ts';
import { followRunOutput } from '../runs/follow-run-output.ts';
import { runInputOf, type RunInputOptions } from '../runs/run-input.ts';
import { positiveInteger, type CommandKit } from './command-kit.ts';

const runColumns: Column<Run>[] = [
  { heading: 'id', value: (run) => run.id },
  { heading: 'status', value: (run) => run.status },
  { heading: 'agent', value: (run) => `${run.agentId.slice(0, 8)} v${run.agentVersion}` },
  { heading: 'created', value: (run) => run.createdAt },
  { heading: 'error', value: (run) => run.error?.code },
];

const artifactColumns: Column<Artifact>[] = [
  { heading: 'id', value: (artifact) => artifact.id },
  { heading: 'name', value: (artifact) => artifact.name },
  { heading: 'type', value: (artifact) => artifact.contentType },
  { heading: 'size', value: (artifact) => artifact.size },
  { heading: 'source', value: (artifact) => artifact.source },
];

const statuses: readonly RunStatus[] = [
  'queued',
  'running',
  'waiting',
  'succeeded',
  'failed',
  'cancelled',
  'timed_out',
];

interface StartOptions extends RunInputOptions {
  readonly version?: number;
  readonly follow?: boolean;
  readonly wait?: boolean;
  readonly idempotencyKey?: string;
}

interface ReplayOptions extends RunInputOptions {
  readonly fromStep: number;
  readonly version?: number;
  readonly follow?: boolean;
  readonly wait?: boolean;
  readonly idempotencyKey?: string;
}

/** `runs start|ls|get|tail|cancel|approve|message|artifacts|replay`. */
export function addRunsCommands(program: Command, kit: CommandKit): void {
  const runs = program.command('runs').description('Start, follow and steer runs');

  runs
    .command('start')
    .description('Start a run of an agent; --follow shows it live and exits by how it ends')
    .argument('<agent>', 'id or name')
    .option('-i, --input <message>', 'the user message (input {"message": …})')
    .option('--input-json <json>', 'the input as JSON instead')
    .option('--version <n>', 'this version instead of the latest', positiveInteger('--version'))
    .option('-F, --follow', 'show tokens, tool calls and approvals live; exit code by the end state')
    .option('-w, --wait', 'wait for the end quietly, then print the run; exit code by the end state')
    .option('--idempotency-key <key>', 'repeat-safe start: the same key answers the same run')
    .action(kit.action((context, reference: string, options: StartOptions) => start(context, reference, options)));

  runs
    .command('ls')
    .description("List the tenant's runs, newest first")
    .option('--agent <agent>', "this agent's runs only (id or name)")
    .option('--status <status>', `runs in this state only (${statuses.join(', ')})`)
    .option('-L, --limit <n>', 'at most this many', positiveInteger('--limit'), 30)
    .action(
      kit.action(async (context, options: { agent?: string; status?: string; limit: number }) => {
        const client = await context.client();
        const status = statuses.find((candidate) => candidate === options.status);
        if (options.status !== undefined && !status) {
          throw new CliError(`--status must be one of ${statuses.join(', ')}`, { exitCode: ExitCode.usage });
        }
        const agentId = options.agent ? (await resolveAgent(client, options.agent)).id : undefined;
        const query = { ...(agentId ? { agentId } : {}), ...(status ? { status } : {}) };
        context.output.table(await client.runs.list(query).toArray(options.limit), runColumns);
      }),
    );

  runs
    .command('get')
    .description('Show a run: status, output or error, usage, pending approvals')
    .argument('<run>', 'run id')
    .action(
      kit.action(async (context, runId: string) => showRun(context, await (await context.client()).runs.get(runId))),
    );

  runs
    .command('tail')
    .description('Follow a run live from its start (a finished one is replayed); exit code by the end state')
    .argument('<run>', 'run id')
    .option('--after <seq>', 'only events after this one', positiveInteger('--after'))
    .action(
      kit.action(async (context, runId: string, options: { after?: number }) => {
        const client = await context.client();
        const followed = await followRunOutput(context, client, runId, { after: options.after ?? 0 });
        return exitCodeOfRun(followed.status);
      }),
    );

  runs
    .command('cancel')
    .description('Cancel a run: steps in flight stop')
    .argument('<run>', 'run id')
    .action(
      kit.action(async (context, runId: string) => {
        const run = await (await context.client()).runs.cancel(runId);
        context.output.result(run, () => context.output.success(`run ${run.id} is ${run.status}`));
      }),
    );

  runs
    .command('approve')
    .description('Decide a tool call waiting for approval (the only pending one unless named)')
    .argument('<run>', 'run id')
    .argument('[approval]', 'approval id (default: the only pending one)')
    .option('--reject', 'reject instead of approving')
    .option('-c, --comment <text>', 'why (the model reads it with a rejection)')
    .action(
      kit.action(
        async (
          context,
          runId: string,
          approvalId: string | undefined,
          options: { reject?: boolean; comment?: string },
        ) => {
          const client = await context.client();
          const id = approvalId ?? (await onlyPendingApproval(context, runId));
          const decision = await client.approvals.decide(runId, id, options.reject ? 'reject' : 'approve', {
            ...(options.comment === undefined ? {} : { comment: options.comment }),
          });
          context.output.result(decision, () =>
            context.output.success(`${options.reject ? 'rejected' : 'approved'} ${id} of run ${runId}`),
          );
        },
      ),
    );

  runs
    .command('message')
    .description('Send a user message into a running run')
    .argument('<run>', 'run id')
    .argument('<text>', 'the message')
    .action(
      kit.action(async (context, runId: string, text: string) => {
        const sent = await (await context.client()).messages.send(runId, text);
        context.output.result(sent, () => context.output.success(`message ${sent.messageId} ${sent.disposition}`));
      }),
    );

  runs
    .command('replay')
    .description('Run a finished run again from a step: earlier steps answer from its records, nothing repeats')
    .argument('<run>', 'run id')
    .requiredOption('--from-step <n>', 'the first step run anew (1: all of them)', positiveInteger('--from-step'))
    .option('-i, --input <message>', "an edited user message (default: the run's input)")
    .option('--input-json <json>', 'an edited input as JSON instead')
    .option('--version <n>', "another version of the run's agent from that step on", positiveInteger('--version'))
    .option('-F, --follow', 'show the new run live; exit code by its end state')
    .option('-w, --wait', 'wait for the end quietly, then print the run; exit code by the end state')
    .option('--idempotency-key <key>', 'repeat-safe replay: the same key answers the same run')
    .action(kit.action((context, runId: string, options: ReplayOptions) => replay(context, runId, options)));

  runs
    .command('artifacts')
    .description("List a run's artifacts, or download one")
    .argument('<run>', 'run id')
    .option('-d, --download <artifact>', 'download this artifact (id or name)')
    .option('-o, --output <file>', 'where to write the download (default: stdout)')
    .action(
      kit.action(async (context, runId: string, options: { download?: string; output?: string }) =>
        artifacts(context, runId, options),
      ),
    );
}

async function start(context: CliContext, reference: string, options: StartOptions): Promise<ExitCodeValue> {
  const { output } = context;
  const input = runInputOf(options);
  const client = await context.client();
  const agent = await resolveAgent(client, reference);
  const started = await client.runs.create(
    { agentId: agent.id, input, ...(options.version === undefined ? {} : { version: options.version }) },
    options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey },
  );
  if (options.follow)
    output.note(output.errorPalette.paint('dim', `run ${started.run.id} (${agent.name} v${started.run.agentVersion})`));
  return presentStartedRun(context, client, started, options);
}

async function replay(context: CliContext, runId: string, options: ReplayOptions): Promise<ExitCodeValue> {
  const { output } = context;
  const input = options.input === undefined && options.inputJson === undefined ? undefined : runInputOf(options);
  const client = await context.client();
  const started = await client.runs.replay(
    runId,
    {
      fromStep: options.fromStep,
      ...(input === undefined ? {} : { input }),
      ...(options.version === undefined ? {} : { version: options.version }),
    },
    options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey },
  );
  if (options.follow) {
    output.note(
      output.errorPalette.paint('dim', `run ${started.run.id} replays ${runId} from step ${options.fromStep}`),
    );
  }
  return presentStartedRun(context, client, started, options);
}

/** What `runs start` and `runs replay` show of the run they started: it live, its end, or its id. */
async function presentStartedRun(
  context: CliContext,
  client: AgentRuntimeClient,
  { run, created }: CreatedRun,
  options: { readonly follow?: boolean; readonly wait?: boolean },
): Promise<ExitCodeValue> {
  const { output } = context;
  if (options.follow) {
    const followed = await followRunOutput(context, client, run.id);
    return exitCodeOfRun(followed.status);
  }
  if (options.wait) {
    const progress = context.prompter.progress(`run ${run.id} is ${run.status}…`);
    const ended = await client.runs.wait(run.id).finally(() => progress.stop());
    showRun(context, ended);
    return exitCodeOfRun(ended.status);
  }
  output.result({ ...run, created }, () => {
    if (output.quiet) return output.line(run.id);
    output.line(run.id);
    output.note(`${created ? 'started' : 'already started'}; follow it with: agent-runtime runs tail ${run.id}`);
  });
  return ExitCode.ok;
}

function showRun(context: CliContext, run: Run): void {
  const { output } = context;
  output.result(run, () => {
    const paint = output.palette.paint.bind(output.palette);
    const status =
      run.status === 'succeeded'
        ? paint('green', run.status)
        : isTerminalStatus(run.status)
          ? paint('red', run.status)
          : paint('yellow', run.status);
    const rows: [string, string | undefined][] = [
      ['id', run.id],
      ['status', status],
      ['agent', `${run.agentId} v${run.agentVersion}`],
      ['created', run.createdAt],
      ['ended', run.endedAt ?? undefined],
      ['input', JSON.stringify(run.input)],
      ['output', run.output === null ? undefined : JSON.stringify(run.output)],
      ['error', run.error ? `${run.error.code}: ${run.error.message}` : undefined],
      ['tokens', `${run.usage.inputTokens} in, ${run.usage.outputTokens} out`],
      ['queued', run.queue ? `${run.queue.reason}` : undefined],
      ['thread', run.threadId ?? undefined],
      ['replays', run.replayOf ? `${run.replayOf.runId} from step ${run.replayOf.fromStep}` : undefined],
    ];
    for (const [label, value] of rows)
      if (value !== undefined) output.line(`${paint('bold', label.padEnd(8))} ${value}`);
    for (const approval of run.pendingApprovals) {
      output.line(`${paint('yellow', 'pending')}  ${approval.id} ${approval.tool}(${JSON.stringify(approval.input)})`);
    }
  });
}

async function onlyPendingApproval(context: CliContext, runId: string): Promise<string> {
  const pending = await (await context.client()).approvals.pending(runId);
  const [only] = pending;
  if (pending.length === 1 && only) return only.id;
  throw new CliError(
    pending.length === 0
      ? `run ${runId} has no pending approval`
      : `run ${runId} has ${pending.length} pending approvals: name one`,
    { hint: `see them with: agent-runtime runs get ${runId}` },
  );
}

async function artifacts(
  context: CliContext,
  runId: string,
  options: { download?: string; output?: string },
): Promise<void> {
  const client = await context.client();
  const list = await client.artifacts.list(runId).toArray();
  if (options.download === undefined) return context.output.table(list, artifactColumns);
  const artifact = list.find((candidate) => candidate.id === options.download || candidate.name === options.download);
  if (!artifact) throw new CliError(`run ${runId} has no artifact ${options.download}`);
  const content = await client.artifacts.download(runId, artifact.id);
  const source = Readable.fromWeb(content.stream as WebReadableStream<Uint8Array>);
  if (options.output === undefined) {
    await pipeline(
      source,
      new Writable({ write: (chunk, _encoding, done) => void context.output.stdout.write(chunk, done) }),
    );
    return;
  }
  await pipeline(source, createWriteStream(options.output));
  context.output.success(`wrote ${artifact.name} (${artifact.size} bytes) to ${options.output}`);
}
