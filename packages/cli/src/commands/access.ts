import type { ApiKey, AuditEvent, Secret } from '@agent-runtime/sdk';
import type { Command } from 'commander';
import { CliError } from '../errors/cli-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';
import type { Column } from '../output/table.ts';
import { positiveInteger, type CommandKit } from './command-kit.ts';

const keyColumns: Column<ApiKey>[] = [
  { heading: 'id', value: (key) => key.id },
  { heading: 'name', value: (key) => key.name },
  { heading: 'prefix', value: (key) => key.prefix },
  { heading: 'roles', value: (key) => key.roles.join(',') },
  { heading: 'expires', value: (key) => key.expiresAt },
  { heading: 'revoked', value: (key) => key.revokedAt },
];

const secretColumns: Column<Secret>[] = [
  { heading: 'name', value: (secret) => secret.name },
  { heading: 'version', value: (secret) => secret.version },
  { heading: 'updated', value: (secret) => secret.updatedAt },
];

const auditColumns: Column<AuditEvent>[] = [
  { heading: 'at', value: (event) => event.occurredAt },
  { heading: 'action', value: (event) => event.action },
  { heading: 'actor', value: (event) => event.actor.subject },
  { heading: 'target', value: (event) => `${event.target.type}:${event.target.id}` },
];

const roles = ['platform-admin', 'tenant-admin', 'developer', 'viewer'] as const;

/** `keys`, `secrets`, `audit`: the tenant's access, for tenant admins. */
export function addAccessCommands(program: Command, kit: CommandKit): void {
  const keys = program.command('keys').description("The tenant's API keys");
  keys
    .command('ls')
    .description('List API keys (never the keys themselves)')
    .action(
      kit.action(async (context) =>
        context.output.table(await (await context.client()).apiKeys.list().toArray(), keyColumns),
      ),
    );
  keys
    .command('create')
    .description('Create an API key: shown once')
    .requiredOption('--name <name>', 'what it is for')
    .option('--role <role...>', `its roles (${roles.join(', ')})`, ['developer'])
    .action(
      kit.action(async (context, options: { name: string; role: string[] }) => {
        const chosen = options.role.map((role) => roles.find((candidate) => candidate === role));
        if (chosen.some((role) => role === undefined)) {
          throw new CliError(`--role must be among ${roles.join(', ')}`, { exitCode: ExitCode.usage });
        }
        const created = await (
          await context.client()
        ).apiKeys.create({
          name: options.name,
          roles: chosen.filter((role) => role !== undefined),
        });
        context.output.result(created, () => {
          context.output.line(created.key);
          context.output.note(`key ${created.id} (${created.roles.join(', ')}): shown this once, store it now`);
        });
      }),
    );
  keys
    .command('revoke')
    .description('Revoke an API key')
    .argument('<id>', 'key id')
    .action(
      kit.action(async (context, id: string) => {
        const key = await (await context.client()).apiKeys.revoke(id);
        context.output.result(key, () => context.output.success(`revoked ${key.name} (${key.prefix})`));
      }),
    );

  const secrets = program.command('secrets').description("The tenant's secrets (values are write-only)");
  secrets
    .command('ls')
    .description('List secrets (names only)')
    .action(
      kit.action(async (context) =>
        context.output.table(await (await context.client()).secrets.list().toArray(), secretColumns),
      ),
    );
  secrets
    .command('set')
    .description('Create or replace a secret; the value from a hidden prompt, or stdin when piped')
    .argument('<name>', 'secret name')
    .action(
      kit.action(async (context, name: string) => {
        const { prompter } = context;
        // Never from an argument: it would be in the shell's history and the process list.
        const value = prompter.interactive
          ? await prompter.password(`Value of ${name}`)
          : (await prompter.readStdin()).replace(/\r?\n$/, '');
        if (value === '')
          throw new CliError('empty value', {
            exitCode: ExitCode.usage,
            hint: `echo -n … | agent-runtime secrets set ${name}`,
          });
        const secret = await (await context.client()).secrets.set(name, value);
        context.output.result(secret, () => context.output.success(`secret ${secret.name} set`));
      }),
    );
  secrets
    .command('rm')
    .description('Delete a secret')
    .argument('<name>', 'secret name')
    .action(
      kit.action(async (context, name: string) => {
        await (await context.client()).secrets.delete(name);
        context.output.result({ name, deleted: true }, () => context.output.success(`secret ${name} deleted`));
      }),
    );

  program
    .command('audit')
    .description("The tenant's audit log, newest first")
    .option('--action <action>', 'e.g. run.cancelled')
    .option('--target-type <type>', 'e.g. run, agent, api_key, secret')
    .option('-L, --limit <n>', 'at most this many', positiveInteger('--limit'), 50)
    .action(
      kit.action(async (context, options: { action?: string; targetType?: string; limit: number }) => {
        const query = {
          ...(options.action === undefined ? {} : { action: options.action }),
          ...(options.targetType === undefined ? {} : { targetType: options.targetType }),
        };
        context.output.table(await (await context.client()).audit.list(query).toArray(options.limit), auditColumns);
      }),
    );
}
