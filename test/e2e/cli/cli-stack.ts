import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateApiKey } from '@agent-runtime/core';
import { AgentRuntimeClient } from '@agent-runtime/sdk';
import {
  freePort,
  startEmbeddedProcess,
  startOpenAiCompatibleServer,
  stopProcess,
  type OpenAiCompatibleServer,
} from '@agent-runtime/test-harness';

/** The one-command runtime as a process, and a scripted OpenAI-compatible model server its agents call. */
export interface CliStack {
  /** Base URL of the API. */
  readonly url: string;
  /** The bootstrap key: platform admin and tenant admin of the default tenant. */
  readonly apiKey: string;
  /** A client with the admin key, to arrange and check what the CLI did. */
  readonly admin: AgentRuntimeClient;
  /** The model server; its `baseUrl` goes into `openai-compatible` specs. */
  readonly model: OpenAiCompatibleServer;
  stop(): Promise<void>;
}

/** Starts the embedded runtime (PGlite, its own Temporal dev server) with `env` added, and a model server. */
export async function startCliStack(env: Readonly<Record<string, string>> = {}): Promise<CliStack> {
  const apiKey = generateApiKey();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-cli-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const model = await startOpenAiCompatibleServer();
  const child = await startEmbeddedProcess(url, {
    ...process.env,
    AR_DATA_DIR: dataDir,
    PORT: String(port),
    TEMPORAL_DEV_PORT: String(await freePort()),
    AR_BOOTSTRAP_API_KEY: apiKey,
    AR_TENANT_RATE_LIMIT: '0',
    LOG_LEVEL: 'warn',
    ...env,
  }).catch(async (error: unknown) => {
    await model.close();
    throw error;
  });
  return {
    url,
    apiKey,
    admin: new AgentRuntimeClient({ baseUrl: url, apiKey }),
    model,
    async stop() {
      await stopProcess(child);
      await model.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A name no other test uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}
