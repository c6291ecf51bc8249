import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { builtinTools } from '@agent-runtime/agents';
import { ConfigError } from '@agent-runtime/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadAgentsModule,
  mergeWorkerRegistrations,
  resolveWorkerRegistrations,
  type WorkerRegistrations,
} from './worker-registrations.ts';

// Entries of each kind, written into fixture modules as source text.
const graph = '{ stream: async () => [], getState: async () => ({ values: {}, next: [], config: {} }) }';
const tool =
  "{ name: 'sleep', description: 'd', inputSchema: { type: 'object' }, invoke: async () => ({ ok: true, output: 1 }) }";
const goodModule = `
const agents = { echoer: ({ input }) => ({ final: input }) };
export default {
  agents,
  aiSdkAgents: { helper: { model: { specificationVersion: 'v3' }, tools: {} } },
  openaiAgents: { triage: { name: 'Triage', handoffs: [] } },
  openaiAgentsModelProvider: { getModel: () => ({}) },
  graphs: { 'writer.v2': ${graph} },
  tools: { sleep: ${tool} },
};
`;

describe('loadAgentsModule', () => {
  let directory: string;
  let count = 0;

  /** Writes `source` to a new fixture module and returns its absolute path. */
  async function fixture(source: string, extension = 'ts'): Promise<string> {
    count += 1;
    const file = path.join(directory, `agents-${count}.${extension}`);
    await writeFile(file, source);
    return file;
  }

  /** The ConfigError loading `source` raises. */
  async function loadError(source: string, extension?: string): Promise<{ file: string; error: ConfigError }> {
    const file = await fixture(source, extension);
    const error = await loadAgentsModule(file).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(`AR_AGENTS_MODULE ${file}`);
    return { file, error: error as ConfigError };
  }

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'agent-runtime-agents-module-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('loads a TypeScript module default export with every kind of registration', async () => {
    const file = await fixture(`import type { Buffer } from 'node:buffer';\n${goodModule}`);
    const registrations = await loadAgentsModule(file);
    expect(Object.keys(registrations).sort()).toEqual(
      ['agents', 'aiSdkAgents', 'graphs', 'openaiAgents', 'openaiAgentsModelProvider', 'tools'].sort(),
    );
    expect(await registrations.agents?.echoer?.({ input: 'hi' } as never)).toEqual({ final: 'hi' });
    expect(Object.keys(registrations.graphs ?? {})).toEqual(['writer.v2']);
  });

  it('loads the `registrations` export of a JavaScript module, by a path relative to the working directory', async () => {
    const file = await fixture('export const registrations = { agents: { a: () => ({ final: 1 }) } };\n', 'mjs');
    const registrations = await loadAgentsModule(path.relative(process.cwd(), file));
    expect(Object.keys(registrations.agents ?? {})).toEqual(['a']);
  });

  it('refuses a missing file', async () => {
    const missing = path.join(directory, 'nowhere.ts');
    await expect(loadAgentsModule(missing)).rejects.toThrow(
      new ConfigError(`AR_AGENTS_MODULE ${missing}: no such file`),
    );
  });

  it('refuses a module whose import throws, or that does not parse', async () => {
    const { error: thrown } = await loadError("throw new Error('no API key for my agent');\n");
    expect(thrown.message).toContain('importing it failed: Error: no API key for my agent');
    const { error: broken } = await loadError('export default {\n');
    // Node says SyntaxError; vitest's transform says it in its own words.
    expect(broken.message).toMatch(/importing it failed: \w*Error: /);
  });

  it('refuses a module without a default or `registrations` export', async () => {
    const { error } = await loadError('export const agents = {};\n');
    expect(error.message).toContain('exports neither a default export nor `registrations`');
  });

  it('refuses a default export that is not an object', async () => {
    for (const [source, kind] of [
      ['export default () => ({ final: 1 });', 'function'],
      ['export default [];', 'an array'],
      ['export default null;', 'null'],
      ["export default 'agents';", 'string'],
    ]) {
      const { error } = await loadError(`${source}\n`);
      expect(error.message).toContain(`must be an object of registrations`);
      expect(error.message).toMatch(new RegExp(`not ${kind}$`));
    }
  });

  it('refuses unknown keys, entries of the wrong kind and bad names, listing every problem', async () => {
    const { error } = await loadError(`
export default {
  agent: {},
  agents: { good: () => ({}), notAFunction: { step: () => ({}) }, 'bad name': () => ({}), '9lives': () => ({}) },
  aiSdkAgents: { noModel: { tools: {} } },
  openaiAgents: { nameless: { instructions: 'hi' } },
  graphs: { uncompiled: { stream: async () => [] }, fine: ${graph} },
  tools: { half: { name: 'half', invoke: async () => ({}) } },
  openaiAgentsModelProvider: {},
};
`);
    const lines = error.message.split('\n').slice(1);
    expect(error.message.split('\n')[0]).toMatch(/: invalid registrations:$/);
    expect(lines).toEqual([
      expect.stringMatching(
        /^ {2}agent: unknown key \(expected agents, aiSdkAgents, openaiAgents, graphs, tools, openaiAgentsModelProvider\)$/,
      ),
      expect.stringMatching(/^ {2}agents\.notAFunction: must be a code agent: a function/),
      expect.stringMatching(/^ {2}agents\.bad name: bad name: a letter, then letters, digits/),
      expect.stringMatching(/^ {2}agents\.9lives: bad name: /),
      expect.stringMatching(/^ {2}aiSdkAgents\.noModel: must be a Vercel AI SDK agent/),
      expect.stringMatching(/^ {2}openaiAgents\.nameless: must be an OpenAI Agents SDK agent/),
      expect.stringMatching(/^ {2}graphs\.uncompiled: must be a compiled LangGraph graph .* `stream` and `getState`/),
      expect.stringMatching(/^ {2}tools\.half: must be a tool/),
      expect.stringMatching(/^ {2}openaiAgentsModelProvider: must be a model provider/),
    ]);
  });

  it('refuses a registry that is not an object of entries', async () => {
    const { error } = await loadError('export default { agents: [() => ({})], graphs: 3 };\n');
    expect(error.message).toContain('  agents: must be an object of entries by name');
    expect(error.message).toContain('  graphs: must be an object of entries by name');
  });
});

describe('mergeWorkerRegistrations', () => {
  const agent = () => ({ final: 1 });
  const source = 'AR_AGENTS_MODULE /x/agents.ts';

  it('registers both sides, and lays the module tools over the builtin tools', () => {
    const sleep = { ...builtinTools.sleep, description: 'a faster sleep' };
    const merged = mergeWorkerRegistrations(
      { agents: { fromModule: agent }, tools: { sleep } },
      { agents: { fromCode: agent }, graphs: {} },
      source,
    );
    expect(Object.keys(merged.agents ?? {})).toEqual(['fromCode', 'fromModule']);
    expect(merged.graphs).toEqual({});
    expect(merged.tools?.sleep).toBe(sleep);
    expect(merged.tools?.calculator).toBe(builtinTools.calculator);
  });

  it('keeps the code registrations as they are when the module has none of a kind', () => {
    const codeTools = { echo: builtinTools.echo };
    const merged = mergeWorkerRegistrations({}, { tools: codeTools }, source);
    expect(merged.tools).toBe(codeTools);
  });

  it('refuses a name both register, and a model provider from both', () => {
    const provider = { getModel: () => ({}) } as unknown as NonNullable<
      WorkerRegistrations['openaiAgentsModelProvider']
    >;
    expect(() =>
      mergeWorkerRegistrations(
        { agents: { same: agent, other: agent }, openaiAgentsModelProvider: provider },
        { agents: { same: agent }, openaiAgentsModelProvider: provider },
        source,
      ),
    ).toThrow(
      new ConfigError(
        `${source}: registers what the worker's code registers too (rename one): agents.same, openaiAgentsModelProvider`,
      ),
    );
  });

  it('is skipped without a module', async () => {
    const fromCode = { agents: { a: agent } };
    expect(await resolveWorkerRegistrations(undefined, fromCode)).toBe(fromCode);
  });
});
