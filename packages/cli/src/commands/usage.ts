import type { UsageGroup, UsageReport } from '@agent-runtime/sdk';
import { Option, type Command } from 'commander';
import { positiveInteger, type CommandKit } from './command-kit.ts';

const groupings = ['agent', 'day', 'model'] as const;

/** What names a group for people: an agent's name, a day, or `provider/model`. */
function groupName(group: UsageGroup): string {
  if (group.agentId !== undefined) return group.agentName ?? `${group.agentId} (deleted)`;
  return group.key;
}

const usageColumns = [
  { heading: 'group', value: groupName },
  { heading: 'steps', value: (group: UsageGroup) => group.steps },
  { heading: 'runs', value: (group: UsageGroup) => group.runs },
  { heading: 'input', value: (group: UsageGroup) => group.inputTokens },
  { heading: 'output', value: (group: UsageGroup) => group.outputTokens },
  { heading: 'total', value: (group: UsageGroup) => group.totalTokens },
  { heading: 'usd', value: (group: UsageGroup) => group.costUsd },
];

/** `usage`: the tenant's tokens and cost by agent, day or model (`GET /v1/usage`). */
export function addUsageCommand(program: Command, kit: CommandKit): void {
  program
    .command('usage')
    .description("The tenant's tokens and cost, by agent, day or model")
    .addOption(new Option('--by <grouping>', 'group by').choices(groupings).default('agent'))
    .option('--since <time>', 'from this ISO time (default: 30 days before --until)')
    .option('--until <time>', 'before this ISO time (default: now)')
    .option('-L, --limit <n>', 'at most this many groups', positiveInteger('--limit'), 100)
    .action(
      kit.action(
        async (context, options: { by: (typeof groupings)[number]; since?: string; until?: string; limit: number }) => {
          const report: UsageReport = await (
            await context.client()
          ).usage.report({
            groupBy: options.by,
            limit: options.limit,
            ...(options.since === undefined ? {} : { since: options.since }),
            ...(options.until === undefined ? {} : { until: options.until }),
          });
          context.output.result(report, () => {
            context.output.table(report.items, usageColumns);
            const { total } = report;
            context.output.note(
              `${report.since} … ${report.until}: ${total.steps} steps in ${total.runs} runs, ${total.totalTokens} tokens, $${total.costUsd}`,
            );
          });
        },
      ),
    );
}
