import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parse } from 'yaml';

/**
 * Reading docker/docker-compose.yml to run its services as native processes: the services as
 * Compose resolves them (anchors merged, `$$` unescaped to `$`), the image's own environment
 * from the Dockerfile, and the one rewrite the native run makes, from Compose addresses to
 * loopback ports.
 */

/** The parts of a Compose service the native run reads. */
export interface ComposeService {
  readonly image?: string;
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly volumes?: readonly string[];
  readonly healthcheck?: { readonly test: readonly string[] };
  readonly deploy?: { readonly replicas?: number };
}

function unescapeDollars(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('$$', '$');
  if (Array.isArray(value)) return value.map(unescapeDollars);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, unescapeDollars(inner)]));
  return value;
}

/** The services of a Compose file, as Compose resolves them (no `${…}` interpolation is used). */
export function readComposeServices(file: string): Record<string, ComposeService> {
  const document = parse(readFileSync(file, 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  return unescapeDollars(document.services) as Record<string, ComposeService>;
}

/** The `ENV` of a Dockerfile's last stage: what every container of the image starts with. */
export function dockerfileEnvironment(file: string): Record<string, string> {
  const stages = readFileSync(file, 'utf8').split(/^FROM /m);
  const last = stages.at(-1) ?? '';
  const env: Record<string, string> = {};
  for (const line of last.match(/^ENV .+$/gm) ?? []) {
    for (const pair of line.slice(4).trim().split(/\s+/)) {
      const [key, value] = pair.split('=');
      if (key && value !== undefined) env[key] = value;
    }
  }
  return env;
}

/**
 * Compose addresses (`service:port`, a port published on the host, a service's own loopback
 * port) to the loopback ports where the native processes listen: the only change the native
 * run makes to what the Compose file says.
 */
export class AddressMap {
  readonly #entries: [from: string, to: string][] = [];

  /** `from` (`host:port`) is reachable at `to` (`host:port`) here. */
  add(from: string, to: string): this {
    this.#entries.push([from, to]);
    return this;
  }

  /** `text` with every mapped address replaced (longest first, so `a:80` never eats `a:8080`). */
  rewrite(text: string): string {
    const entries = [...this.#entries].sort(([a], [b]) => b.length - a.length);
    const pattern = new RegExp(entries.map(([from]) => from.replaceAll('.', '\\.')).join('|'), 'g');
    const to = new Map(entries);
    return entries.length === 0 ? text : text.replace(pattern, (found) => to.get(found) ?? found);
  }

  /** Every value of `env` rewritten. */
  rewriteEnv(env: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, this.rewrite(value)]));
  }
}

/** A command run to its end: exit code and output. */
export interface CommandResult {
  readonly code: number | null;
  readonly output: string;
}

/** Runs `argv` (its first element looked up on `env.PATH`) to its end. */
export function runCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (!file) throw new Error('empty command');
  return new Promise((resolve) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8_000));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, output: `${output}${error.message}` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A Compose health check test (`CMD …` or `CMD-SHELL …`) as the command it runs. */
export function healthcheckCommand(test: readonly string[]): string[] {
  const [kind, ...rest] = test;
  if (kind === 'CMD') return [...rest];
  if (kind === 'CMD-SHELL') return ['/bin/sh', '-c', rest.join(' ')];
  throw new Error(`unsupported health check ${JSON.stringify(test)}`);
}

/** Runs a health check every 500 ms until it passes; throws its last output past the deadline. */
export async function waitHealthy(name: string, argv: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await runCommand(argv, env, 10_000);
    if (result.code === 0) return;
    if (Date.now() > deadline) throw new Error(`${name} never became healthy: ${argv.join(' ')}\n${result.output}`);
    await delay(500);
  }
}

/** A job (a set-up container) run to its end; throws with its output unless it exits 0. */
export async function runJob(name: string, argv: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const result = await runCommand(argv, env, 60_000);
  if (result.code !== 0) throw new Error(`job ${name} failed (${result.code}): ${argv.join(' ')}\n${result.output}`);
  return result.output;
}

/** PATH with the native stand-ins of the images' programs first. */
export function nativePath(binaries: readonly string[]): string {
  return [...new Set(binaries.map((binary) => path.dirname(binary))), process.env['PATH'] ?? ''].join(path.delimiter);
}
