import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { generateApiKey, generateMasterKeyEntry } from '@agent-runtime/core';
import {
  agentsModulePath,
  embeddedMain,
  freePort,
  jsonApi,
  repoRoot,
  startEmbeddedProcess,
  stopProcess,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const workerMain = path.join(repoRoot, 'services/worker/src/main.ts');

/**
 * Runs `main` to its exit; its exit code and stderr. One that boots instead of refusing to is
 * stopped (SIGTERM: the embedded runtime stops its Temporal dev server too) after 20 s.
 */
async function runToExit(main: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [main], { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const stopper = setTimeout(() => child.kill('SIGTERM'), 20_000);
  const code = await exited;
  clearTimeout(stopper);
  return { code, stderr };
}

/**
 * The one-command runtime with AR_AGENTS_MODULE: a team's own code agent and LangGraph graph
 * (test/harness/src/agents-module.ts) run through the API without a worker main of its own.
 */
describe('the embedded runtime with an agents module', () => {
  let dataDir: string;
  let runtime: ChildProcess | undefined;
  let url: string;
  const apiKey = generateApiKey();

  const api = jsonApi(() => url, apiKey);

  /** Creates an agent with `spec`, runs it on `input` and returns the finished run. */
  async function runToEnd(name: string, spec: unknown, input: unknown): Promise<Record<string, unknown>> {
    const agent = (await api('POST', '/v1/agents', { name })) as { id: string };
    await api('POST', `/v1/agents/${agent.id}/versions`, { spec });
    const { id } = (await api('POST', '/v1/runs', { agentId: agent.id, input })) as { id: string };
    for (let waited = 0; ; waited += 200) {
      const run = (await api('GET', `/v1/runs/${id}`)) as Record<string, unknown>;
      if (!['queued', 'running', 'waiting'].includes(run.status as string)) return run;
      if (waited > 60_000) throw new Error(`run ${id} still ${String(run.status)}`);
      await delay(200);
    }
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-agents-module-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    runtime = await startEmbeddedProcess(url, {
      ...process.env,
      // Relative to the working directory, as a developer would write it.
      AR_AGENTS_MODULE: `./${path.relative(repoRoot, agentsModulePath)}`,
      AR_DATA_DIR: dataDir,
      PORT: String(port),
      TEMPORAL_DEV_PORT: String(await freePort()),
      AR_BOOTSTRAP_API_KEY: apiKey,
      LOG_LEVEL: 'warn',
    });
  });

  afterAll(async () => {
    await stopProcess(runtime);
    await rm(dataDir, { recursive: true, force: true });
  });

  it("runs the module's code agent, its tool call a durable tool step", async () => {
    const run = await runToEnd(
      'module-multiplier',
      { agent: { kind: 'code', name: 'multiplier' }, tools: [{ name: 'calculator' }] },
      { a: 6, b: 7 },
    );
    expect(run, JSON.stringify(run.error)).toMatchObject({
      status: 'succeeded',
      output: { ok: true, output: { value: 42 } },
      usage: { steps: 2, toolCalls: 1 },
    });
  });

  it("runs the module's LangGraph graph", async () => {
    const run = await runToEnd(
      'module-greeter',
      { agent: { kind: 'langgraph', graph: 'greeter', output: 'greeting' } },
      { name: 'Ada' },
    );
    expect(run, JSON.stringify(run.error)).toMatchObject({ status: 'succeeded', output: 'hello, Ada' });
  });
});

describe('a bad agents module at boot', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'agent-runtime-bad-agents-module-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('stops the embedded runtime with exit code 2 and a message naming the module', async () => {
    const env = {
      ...process.env,
      AR_DATA_DIR: path.join(directory, 'data'),
      PORT: '0',
      TEMPORAL_DEV_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    };
    const missing = path.join(directory, 'missing.ts');
    expect(await runToExit(embeddedMain, { ...env, AR_AGENTS_MODULE: missing })).toEqual({
      code: 2,
      stderr: `AR_AGENTS_MODULE ${missing}: no such file\n`,
    });

    const unparsable = path.join(directory, 'unparsable.ts');
    await writeFile(unparsable, 'export default {\n');
    const broken = await runToExit(embeddedMain, { ...env, AR_AGENTS_MODULE: unparsable });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(`AR_AGENTS_MODULE ${unparsable}: importing it failed: SyntaxError`);
  });

  it('stops a worker process with exit code 2 before it connects anywhere', async () => {
    const module = path.join(directory, 'wrong-kinds.ts');
    await writeFile(module, "export default { graphs: { writer: () => 'not compiled' } };\n");
    const result = await runToExit(workerMain, {
      ...process.env,
      // Nothing listens at either address: the module is refused before they are used.
      DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none',
      TEMPORAL_ADDRESS: '127.0.0.1:9',
      AR_MASTER_KEYS: generateMasterKeyEntry('agents-module-test'),
      AR_AGENTS_MODULE: module,
    });
    expect(result).toEqual({
      code: 2,
      stderr:
        `AR_AGENTS_MODULE ${module}: invalid registrations:\n` +
        '  graphs.writer: must be a compiled LangGraph graph (`.compile()`): an object with `stream` and `getState` methods\n',
    });
  });
});
