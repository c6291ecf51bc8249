import type { Command } from 'commander';
import type { CommandKit } from './command-kit.ts';

/** Every command path of the program (`runs start`, …) with its options, for completion scripts. */
function commandWords(command: Command): Map<string, string[]> {
  const words = new Map<string, string[]>();
  const visit = (current: Command, path: string) => {
    const children = current.commands.map((child) => child.name());
    const options = current.options.flatMap((option) =>
      [option.long, option.short].filter((flag) => flag !== undefined),
    );
    words.set(path, [...children, ...options]);
    for (const child of current.commands) visit(child, path === '' ? child.name() : `${path} ${child.name()}`);
  };
  visit(command, '');
  return words;
}

/** A bash completion script: completes commands, subcommands and options from the program's own tree. */
function bashCompletion(program: Command): string {
  const global = program.options.flatMap((option) => [option.long, option.short].filter((flag) => flag !== undefined));
  // Longest paths first: "runs start" must match before "runs".
  const cases = [...commandWords(program)]
    .sort(([a], [b]) => b.length - a.length)
    .map(([path, words]) => {
      const pattern = path === '' ? '*' : `"${path}"|"${path} "*`;
      return `    ${pattern}) echo "${[...words, ...global].join(' ')}" ;;`;
    })
    .join('\n');
  return `# bash completion for agent-runtime: eval "$(agent-runtime completion bash)"
_agent_runtime_words() {
  case "$1" in
${cases}
  esac
}
_agent_runtime() {
  local current="\${COMP_WORDS[COMP_CWORD]}" path="" word
  for word in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$word" in -*) ;; *) path="\${path:+$path }$word" ;; esac
  done
  COMPREPLY=($(compgen -W "$(_agent_runtime_words "$path")" -- "$current"))
}
complete -F _agent_runtime agent-runtime
`;
}

/** `completion bash`: prints a shell completion script. */
export function addCompletionCommand(program: Command, kit: CommandKit): void {
  program
    .command('completion')
    .description('Print a shell completion script: eval "$(agent-runtime completion bash)"')
    .argument('[shell]', 'bash (zsh loads it with bashcompinit)', 'bash')
    .action(
      kit.action(async (context, shell: string) => {
        if (shell !== 'bash')
          context.output.warn(`no ${shell} completion: printing bash's (zsh: autoload bashcompinit)`);
        context.output.write(bashCompletion(program));
      }),
    );
}
