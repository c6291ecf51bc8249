import type { Command } from 'commander';
import { deviceFlowLogin } from '../auth/device-flow.ts';
import type { CliContext } from '../cli-context.ts';
import type { Credential, Profile } from '../config/profile-store.ts';
import { CliError } from '../errors/cli-error.ts';
import { ExitCode } from '../errors/exit-codes.ts';
import type { CommandKit } from './command-kit.ts';

interface LoginOptions {
  readonly url?: string;
  readonly apiKey?: string;
  readonly withStdin?: boolean;
  readonly oidc?: boolean;
  readonly issuer?: string;
  readonly clientId: string;
}

/** The API address a new profile starts with: the embedded runtime's default port. */
const defaultUrl = 'http://127.0.0.1:8080';

/** `login`, `logout`: store a credential under a profile, checked against the API first. */
export function addLoginCommands(program: Command, kit: CommandKit): void {
  program
    .command('login')
    .description('Sign in: store an API key or an OIDC login (device flow) under a profile')
    .option('--url <url>', `the API's base URL (default: the profile's, else ${defaultUrl})`)
    .option('--api-key <key>', 'an API key (ar_…); asked for when neither this nor --oidc is given')
    .option('--with-stdin', 'read the API key from stdin (keeps it out of the shell history)')
    .option('--oidc', 'sign in with the OIDC device flow instead (a browser confirms a code)')
    .option('--issuer <url>', 'the OIDC issuer, e.g. http://127.0.0.1:8180/realms/agent-runtime')
    .option('--client-id <id>', 'the OIDC public client', 'agent-runtime-cli')
    .action(kit.action((context, options: LoginOptions) => login(context, options)));

  program
    .command('logout')
    .description('Forget the profile and its credential')
    .action(
      kit.action(async (context) => {
        const name = await context.profileName();
        if (!(await context.store.remove(name))) throw new CliError(`no profile ${name}`);
        context.output.success(`logged out of profile ${name}`);
      }),
    );
}

async function login(context: CliContext, options: LoginOptions): Promise<void> {
  const { output, prompter } = context;
  const name = await context.profileName();
  const stored = (await context.store.read()).profiles[name];
  const url = (options.url ?? context.environment.url ?? stored?.url ?? defaultUrl).replace(/\/+$/, '');
  let credential: Credential;
  if (options.oidc) {
    const issuer = options.issuer ?? (stored?.credential.kind === 'oidc' ? stored.credential.issuer : undefined);
    if (!issuer) throw new CliError('--oidc needs --issuer <url>', { exitCode: ExitCode.usage });
    let progress: { stop(message?: string): void } | undefined;
    credential = await deviceFlowLogin({
      issuer,
      clientId: options.clientId,
      onAuthorization: (authorization) => {
        // The code goes to stderr as plain lines even with --json: the person must see it.
        output.stderr.write(
          `Open ${authorization.verificationUri} and enter the code ${authorization.userCode}\n` +
            (authorization.verificationUriComplete ? `(or open ${authorization.verificationUriComplete})\n` : ''),
        );
        progress = prompter.progress('Waiting for the code to be confirmed…');
      },
    }).finally(() => progress?.stop());
  } else {
    const apiKey =
      options.apiKey ??
      (options.withStdin
        ? (await prompter.readStdin()).trim()
        : prompter.interactive
          ? await prompter.password('API key')
          : undefined);
    if (!apiKey) {
      throw new CliError('no API key given', {
        exitCode: ExitCode.usage,
        hint: 'pass --api-key, --with-stdin or --oidc',
      });
    }
    credential = { kind: 'api-key', apiKey };
  }
  const profile: Profile = { url, credential };
  // A credential is stored only once the API accepted it (any role may list agents).
  await context.clientFor(name, profile).agents.list({ limit: 1 }).firstPage();
  await context.store.save(name, profile, { makeCurrent: true });
  output.result({ profile: name, url, kind: credential.kind }, () =>
    output.success(`logged in to ${url} as profile ${name} (${credential.kind === 'oidc' ? 'OIDC' : 'API key'})`),
  );
}
