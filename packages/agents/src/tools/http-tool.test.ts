import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpToolSpecSchema, SecretUnavailableError } from '@agent-runtime/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpTool } from './http-tool.ts';
import type { SecretSource } from './secret-values.ts';
import type { ToolContext } from './tool.ts';

const token = 'tok-0123456789abcdef';
const context: ToolContext = {
  idempotencyKey: 'run:1:call',
  signal: new AbortController().signal,
  heartbeat() {},
  saveArtifact: () => Promise.reject(new Error('HTTP tools save no artifacts')),
};

const secrets: Record<string, string> = { TOKEN: token, MULTILINE: 'line-one\r\nline-two', WIDE: 'ключ-секрет' };
const source: SecretSource = async (name) => {
  const value = secrets[name];
  if (value === undefined) throw new SecretUnavailableError('not_found', name, `secret "${name}" does not exist`);
  return value;
};

describe('HTTP tool headers from secrets', () => {
  let server: Server;
  let baseUrl: string;
  const authorizations: (string | undefined)[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      authorizations.push(request.headers.authorization);
      const echo = JSON.stringify({ [`got ${request.headers.authorization}`]: [request.headers.authorization] });
      response.writeHead(request.url === '/fail' ? 400 : 200, { 'content-type': 'application/json' }).end(echo);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  function tool(path: string, secret: string) {
    return createHttpTool(
      httpToolSpecSchema.parse({
        kind: 'http',
        name: 'api',
        url: `${baseUrl}${path}`,
        headers: { Authorization: { secret, prefix: 'Bearer ' } },
      }),
      source,
    );
  }

  it('sends the secret and scrubs it from an echoing answer, keys included', async () => {
    const ok = await tool('/ok', 'TOKEN').invoke({}, context);
    expect(authorizations.at(-1)).toBe(`Bearer ${token}`);
    expect(ok).toEqual({ ok: true, output: { 'got Bearer [redacted]': ['Bearer [redacted]'] } });
    const failed = await tool('/fail', 'TOKEN').invoke({}, context);
    expect(failed).toMatchObject({ ok: false, error: { code: 'http_400' } });
    expect(JSON.stringify(failed)).not.toContain(token);
  });

  it('fails a call whose secret is gone, or cannot be a header, naming it and never sending it', async () => {
    const sent = authorizations.length;
    expect(await tool('/ok', 'DELETED').invoke({}, context)).toEqual({
      ok: false,
      error: { code: 'secret_not_found', message: 'header "Authorization": secret "DELETED" does not exist' },
    });
    for (const name of ['MULTILINE', 'WIDE']) {
      const outcome = await tool('/ok', name).invoke({}, context);
      expect(outcome).toMatchObject({ ok: false, error: { code: 'secret_invalid_header' } });
      expect((outcome as { error: { message: string } }).error.message).toContain(`secret "${name}"`);
      expect(JSON.stringify(outcome)).not.toMatch(/line-one|ключ/);
    }
    expect(authorizations.length).toBe(sent);
  });
});
