import type { Agent, AgentVersion } from '@agent-runtime/sdk';
import type { Command } from 'commander';
import { readAgentFile } from '../agents/agent-file.ts';
import { applyAgent } from '../agents/apply-agent.ts';
import { resolveAgent } from '../agents/resolve-agent.ts';
import { SchemaDefaults } from '../agents/schema-defaults.ts';
import { specDiff, specYaml } from '../agents/spec-diff.ts';
import type { CliContext } from '../cli-context.ts';
import { CliError } from '../errors/cli-error.ts';
import type { Column } from '../output/table.ts';
import { positiveInteger, type CommandKit } from './command-kit.ts';

const agentColumns: Column<Agent>[] = [
  { heading: 'id', value: (agent) => agent.id },
  { heading: 'name', value: (agent) => agent.name },
  { heading: 'latest', value: (agent) => agent.latestVersion ?? '-' },
  { heading: 'archived', value: (agent) => (agent.archivedAt ? 'yes' : '') },
  { heading: 'description', value: (agent) => agent.description },
];

const versionColumns: Column<AgentVersion>[] = [
  { heading: 'version', value: (version) => version.version },
  { heading: 'created', value: (version) => version.createdAt },
  { heading: 'spec hash', value: (version) => version.specHash.slice(0, 12) },
  { heading: 'model', value: (version) => modelOf(version) },
];

function modelOf(version: AgentVersion): string {
  const model = version.spec.model as { provider?: string; model?: string } | undefined;
  if (!model) return `(${version.spec.agent.kind})`;
  return model.model ? `${model.provider}/${model.model}` : (model.provider ?? '');
}

/** `agents apply|ls|get|versions|diff`. */
export function addAgentsCommands(program: Command, kit: CommandKit): void {
  const agents = program.command('agents').description('Define agents and read their versions');

  agents
    .command('apply')
    .description('Create or update an agent from a file: a new version only when its spec changed')
    .requiredOption('-f, --file <file>', 'the agent file (YAML or JSON: name, description, spec); - for stdin')
    .option('--dry-run', 'show what would change, change nothing')
    .action(kit.action((context, options: { file: string; dryRun?: boolean }) => apply(context, options)));

  agents
    .command('ls')
    .description("List the tenant's agents")
    .option('-a, --all', 'archived agents too')
    .option('-L, --limit <n>', 'at most this many', positiveInteger('--limit'), 100)
    .action(
      kit.action(async (context, options: { all?: boolean; limit: number }) => {
        const client = await context.client();
        const rows = await client.agents.list(options.all ? { includeArchived: 'true' } : {}).toArray(options.limit);
        context.output.table(rows, agentColumns);
      }),
    );

  agents
    .command('get')
    .description('Show an agent (by id or name) and its latest spec')
    .argument('<agent>', 'id or name')
    .action(
      kit.action(async (context, reference: string) => {
        const client = await context.client();
        const agent = await resolveAgent(client, reference);
        const latest = agent.latestVersion ? await client.versions.get(agent.id, agent.latestVersion) : undefined;
        const { output } = context;
        output.result({ ...agent, latest }, () => {
          output.table([agent], agentColumns);
          if (latest)
            output.line(
              `\n${output.palette.paint('bold', `spec (version ${latest.version})`)}\n${specYaml(latest.spec)}`,
            );
        });
      }),
    );

  agents
    .command('versions')
    .description("List an agent's versions")
    .argument('<agent>', 'id or name')
    .action(
      kit.action(async (context, reference: string) => {
        const client = await context.client();
        const agent = await resolveAgent(client, reference);
        context.output.table(await client.versions.list(agent.id).toArray(), versionColumns);
      }),
    );

  agents
    .command('diff')
    .description("Compare two versions' specs (default: the last two), or a file with the latest")
    .argument('<agent>', 'id or name')
    .argument('[from]', 'the older version', positiveInteger('from'))
    .argument('[to]', 'the newer version (default: the latest)', positiveInteger('to'))
    .option('-f, --file <file>', 'compare this agent file with the latest version instead')
    .action(
      kit.action(
        (context, reference: string, from: number | undefined, to: number | undefined, options: { file?: string }) =>
          diff(context, reference, from, to, options.file),
      ),
    );
}

async function apply(context: CliContext, options: { file: string; dryRun?: boolean }): Promise<void> {
  const { output } = context;
  const file = await readAgentFile(options.file, () => context.prompter.readStdin());
  const client = await context.client();
  const applied = await applyAgent(client, file, { dryRun: options.dryRun === true });
  const diffText = applied.createdVersion ? specDiff(applied.previousSpec, applied.spec, output.palette) : '';
  output.result({ ...applied, dryRun: options.dryRun === true }, () => {
    const would = options.dryRun ? 'would be ' : '';
    if (applied.createdAgent) output.success(`agent ${file.name} ${would}created`);
    if (applied.updatedDescription) output.success(`description of ${file.name} ${would}updated`);
    if (applied.createdVersion) {
      if (diffText && !output.quiet) output.line(diffText);
      output.success(
        options.dryRun
          ? `a new version of ${file.name} would be created`
          : `${file.name} version ${applied.version?.version ?? '?'} created`,
      );
    } else {
      output.success(`${file.name} is up to date (version ${applied.version?.version ?? '?'}): no new version`);
    }
  });
}

async function diff(
  context: CliContext,
  reference: string,
  from: number | undefined,
  to: number | undefined,
  file: string | undefined,
): Promise<void> {
  const client = await context.client();
  const agent = await resolveAgent(client, reference);
  const latest = agent.latestVersion;
  if (latest === null) throw new CliError(`agent ${agent.name} has no version yet`);
  let before: unknown;
  let after: unknown;
  let label: string;
  if (file !== undefined) {
    const document = await client.apiDocument.get();
    const schema = SchemaDefaults.requestSchema(document, '/v1/agents/{agentId}/versions', 'post') as
      { properties?: { spec?: unknown } } | undefined;
    before = (await client.versions.get(agent.id, latest)).spec;
    after = new SchemaDefaults(document).apply((await readAgentFile(file)).spec, schema?.properties?.spec);
    label = `version ${latest} → ${file}`;
  } else {
    const newer = to ?? latest;
    const older = from ?? newer - 1;
    if (older < 1) throw new CliError(`agent ${agent.name} has one version only: nothing to compare`);
    before = (await client.versions.get(agent.id, older)).spec;
    after = (await client.versions.get(agent.id, newer)).spec;
    label = `version ${older} → ${newer}`;
  }
  const { output } = context;
  const text = specDiff(before, after, output.palette);
  output.result({ agentId: agent.id, from: before, to: after, changed: text !== '' }, () => {
    output.note(label);
    if (text) output.line(text);
    else output.success('no difference');
  });
}
