import { access } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtinTools } from '@agent-runtime/agents';
import { codeAgentNameSchema, ConfigError } from '@agent-runtime/core';
import type { WorkerDependencies } from './create-worker.ts';

/** What a worker process hosts besides the builtin loop and tools: its agents, graphs and tools by name. */
export type WorkerRegistrations = Pick<
  WorkerDependencies,
  'tools' | 'agents' | 'aiSdkAgents' | 'openaiAgents' | 'openaiAgentsModelProvider' | 'graphs'
>;

type RegistryKey = Exclude<keyof WorkerRegistrations, 'openaiAgentsModelProvider'>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const hasMethods = (value: unknown, ...names: string[]): boolean =>
  isObject(value) && names.every((name) => typeof value[name] === 'function');

/**
 * How each registry's entries are recognised: a check, and what the entry must be when it
 * fails. Duck typing, not `instanceof`: the module may resolve its own copy of a framework.
 */
const registries: Readonly<Record<RegistryKey, { accepts(value: unknown): boolean; expected: string }>> = {
  agents: {
    accepts: (value) => typeof value === 'function',
    expected: 'a code agent: a function (context) => step result',
  },
  aiSdkAgents: {
    accepts: (value) =>
      isObject(value) &&
      (typeof value.model === 'string' || isObject(value.model)) &&
      (value.tools === undefined || isObject(value.tools)),
    expected: 'a Vercel AI SDK agent: an object with a `model` and optional `tools` object',
  },
  openaiAgents: {
    accepts: (value) => isObject(value) && typeof value.name === 'string',
    expected: 'an OpenAI Agents SDK agent (`new Agent({ name, … })`): an object with a string `name`',
  },
  graphs: {
    accepts: (value) => hasMethods(value, 'stream', 'getState'),
    expected: 'a compiled LangGraph graph (`.compile()`): an object with `stream` and `getState` methods',
  },
  tools: {
    accepts: (value) =>
      hasMethods(value, 'invoke') &&
      typeof (value as Record<string, unknown>).name === 'string' &&
      isObject((value as Record<string, unknown>).inputSchema),
    expected: 'a tool (`defineTool({ … })`): an object with `name`, `inputSchema` and an `invoke` method',
  },
};

const registryKeys = Object.keys(registries) as RegistryKey[];
const knownKeys: readonly string[] = [...registryKeys, 'openaiAgentsModelProvider'];

/**
 * Checks that `value` is a {@link WorkerRegistrations}: known keys only, each registry an
 * object whose names match the spec name pattern (`codeAgentNameSchema`) and whose entries
 * are of their kind, and a model provider with `getModel`. Throws one {@link ConfigError}
 * naming `source` and listing every problem.
 */
export function validateWorkerRegistrations(value: unknown, source: string): WorkerRegistrations {
  if (!isObject(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new ConfigError(
      `${source}: its default export (or \`registrations\`) must be an object of registrations ` +
        `(${knownKeys.join(', ')}), not ${kind}`,
    );
  }
  const problems: string[] = [];
  for (const key of Object.keys(value)) {
    if (!knownKeys.includes(key)) problems.push(`${key}: unknown key (expected ${knownKeys.join(', ')})`);
  }
  for (const key of registryKeys) {
    const registry = value[key];
    if (registry === undefined) continue;
    if (!isObject(registry)) {
      problems.push(`${key}: must be an object of entries by name`);
      continue;
    }
    for (const [name, entry] of Object.entries(registry)) {
      const named = codeAgentNameSchema.safeParse(name);
      if (!named.success) problems.push(`${key}.${name}: bad name: ${named.error.issues[0]?.message ?? 'invalid'}`);
      if (!registries[key].accepts(entry)) problems.push(`${key}.${name}: must be ${registries[key].expected}`);
    }
  }
  const provider = value.openaiAgentsModelProvider;
  if (provider !== undefined && !hasMethods(provider, 'getModel')) {
    problems.push('openaiAgentsModelProvider: must be a model provider: an object with a `getModel` method');
  }
  if (problems.length > 0) {
    throw new ConfigError(`${source}: invalid registrations:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  }
  return value as WorkerRegistrations;
}

/**
 * Imports the module at `modulePath` (absolute, or relative to the working directory; `.ts`
 * runs natively) and returns its default export, else its `registrations` export, validated
 * by {@link validateWorkerRegistrations}. Every failure (missing file, an import that throws,
 * a bad export) is a {@link ConfigError} naming the path and `AR_AGENTS_MODULE`.
 */
export async function loadAgentsModule(modulePath: string): Promise<WorkerRegistrations> {
  const absolutePath = path.resolve(modulePath);
  const source = `AR_AGENTS_MODULE ${absolutePath}`;
  try {
    await access(absolutePath);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ConfigError(`${source}: ${missing ? 'no such file' : `cannot read it: ${String(error)}`}`);
  }
  let exported: Record<string, unknown>;
  try {
    exported = (await import(pathToFileURL(absolutePath).href)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new ConfigError(`${source}: importing it failed: ${reason}`);
  }
  const registrations = 'default' in exported ? exported.default : exported.registrations;
  if (!('default' in exported) && !('registrations' in exported)) {
    throw new ConfigError(`${source}: exports neither a default export nor \`registrations\``);
  }
  return validateWorkerRegistrations(registrations, source);
}

/**
 * The registrations of a worker: those of the agents module and those passed in code, side
 * by side. A name registered by both in the same registry, or a model provider from both, is
 * refused with a {@link ConfigError} rather than one silently shadowing the other. The
 * module's `tools` are laid over the builtin tools (or over the code's `tools`, which replace
 * the builtins), so a module can swap one builtin without dropping the others.
 */
export function mergeWorkerRegistrations(
  fromModule: WorkerRegistrations,
  fromCode: WorkerRegistrations,
  source: string,
): WorkerRegistrations {
  const clashes: string[] = [];
  const merged: Record<string, unknown> = {};
  for (const key of registryKeys) {
    const moduleEntries = fromModule[key];
    const codeEntries = fromCode[key];
    if (moduleEntries === undefined) {
      if (codeEntries !== undefined) merged[key] = codeEntries;
      continue;
    }
    for (const name of Object.keys(moduleEntries)) {
      if (codeEntries && Object.hasOwn(codeEntries, name)) clashes.push(`${key}.${name}`);
    }
    const base = key === 'tools' ? (codeEntries ?? builtinTools) : codeEntries;
    merged[key] = { ...base, ...moduleEntries };
  }
  if (fromModule.openaiAgentsModelProvider && fromCode.openaiAgentsModelProvider) {
    clashes.push('openaiAgentsModelProvider');
  }
  const provider = fromModule.openaiAgentsModelProvider ?? fromCode.openaiAgentsModelProvider;
  if (provider) merged.openaiAgentsModelProvider = provider;
  if (clashes.length > 0) {
    throw new ConfigError(
      `${source}: registers what the worker's code registers too (rename one): ${clashes.join(', ')}`,
    );
  }
  return merged as WorkerRegistrations;
}

/**
 * The worker's registrations: `fromCode` alone without `agentsModule` (`AR_AGENTS_MODULE`),
 * else merged with the module's by {@link mergeWorkerRegistrations}.
 */
export async function resolveWorkerRegistrations(
  agentsModule: string | undefined,
  fromCode: WorkerRegistrations = {},
): Promise<WorkerRegistrations> {
  if (agentsModule === undefined) return fromCode;
  const fromModule = await loadAgentsModule(agentsModule);
  return mergeWorkerRegistrations(fromModule, fromCode, `AR_AGENTS_MODULE ${path.resolve(agentsModule)}`);
}
