import { spawn } from 'node:child_process';
import { createServer } from 'node:http2';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as restate from '@restatedev/restate-sdk';
import type { Peer, PeerContext } from '../../peer-contract.ts';
import { callModel, echo, type ChatMessage } from '../chat-loop.ts';
import { freePort } from '../free-port.ts';
import { versionOf } from '../versions.ts';

const serverBinary = fileURLToPath(
  new URL('../node_modules/@restatedev/restate-server-linux-x64/bin/restate-server', import.meta.url),
);

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Restate: the `restate-server` binary of its npm package (single node, data in a temporary
 * directory), and the echo agent as a Restate service in this process whose model calls and
 * echo calls are `ctx.run` steps journaled by the server.
 */
export async function startRestatePeer(context: PeerContext): Promise<Peer> {
  const version = `@restatedev/restate-server ${versionOf('@restatedev/restate-server')}, @restatedev/restate-sdk ${versionOf('@restatedev/restate-sdk')}`;
  const [ingressPort, adminPort, fabricPort, servicePort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const baseDir = await mkdtemp(path.join(tmpdir(), 'bench-restate-'));
  const server = spawn(serverBinary, ['--no-logo', '--listen-mode', 'tcp'], {
    env: {
      ...process.env,
      RESTATE_BASE_DIR: baseDir,
      RESTATE_BIND_IP: '127.0.0.1',
      RESTATE_BIND_PORT: String(fabricPort),
      RESTATE_INGRESS__BIND_PORT: String(ingressPort),
      RESTATE_ADMIN__BIND_PORT: String(adminPort),
      RESTATE_DISABLE_TELEMETRY: 'true',
      RESTATE_LOG_FILTER: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  server.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const stopServer = async () => {
    if (server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
    await rm(baseDir, { recursive: true, force: true });
  };
  const modelBaseUrl = context.modelBaseUrl;
  const agent = restate.service({
    name: 'agent',
    handlers: {
      run: async (ctx: restate.Context, input: { key: string; steps: number }): Promise<string> => {
        const messages: ChatMessage[] = [{ role: 'user', content: `run ${input.key}` }];
        for (let step = 0; step <= input.steps; step += 1) {
          const reply = await ctx.run('model', () => callModel(modelBaseUrl, `echo-${input.steps}`, messages));
          messages.push(reply);
          if (!reply.tool_calls?.length) return reply.content ?? '';
          for (const call of reply.tool_calls) {
            const result = await ctx.run('echo', () => echo(call.function.arguments));
            messages.push({ role: 'tool', tool_call_id: call.id, content: result });
          }
        }
        return '';
      },
    },
  });
  const endpoint = createServer(restate.createEndpointHandler({ services: [agent] }));
  const closeEndpoint = () => new Promise<void>((resolve) => endpoint.close(() => resolve()));
  try {
    await new Promise<void>((resolve) => endpoint.listen(servicePort, '127.0.0.1', resolve));
    const admin = `http://127.0.0.1:${adminPort}`;
    await until('restate-server', async () => (await fetch(`${admin}/health`)).ok, 60_000);
    const registered = await fetch(`${admin}/deployments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uri: `http://127.0.0.1:${servicePort}` }),
    });
    if (!registered.ok)
      throw new Error(`registering the deployment: HTTP ${registered.status} ${await registered.text()}`);
    const ingress = `http://127.0.0.1:${ingressPort}`;
    await until('restate ingress', async () => (await fetch(`${ingress}/restate/health`)).ok, 30_000);
    return {
      name: 'Restate',
      version,
      durability:
        'Restate’s log and RocksDB in its data directory (WAL fsync on by default): the invocation and each ctx.run result journaled before the handler goes on',
      lacks:
        'a ctx.run whose result was not journaled runs again on retry (no idempotency key for the tool); no run/event store, API for agents, streaming of steps, tenants or approvals',
      async run(key, steps) {
        const response = await fetch(`${ingress}/agent/run`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ key, steps }),
        });
        if (!response.ok) throw new Error(`restate run: HTTP ${response.status} ${await response.text()}`);
        await response.arrayBuffer();
      },
      async stop() {
        await stopServer();
        await closeEndpoint();
      },
    };
  } catch (error) {
    await stopServer();
    await closeEndpoint();
    throw new Error(`${(error as Error).message}; restate-server: ${stderr.slice(-500)}`, { cause: error });
  }
}
