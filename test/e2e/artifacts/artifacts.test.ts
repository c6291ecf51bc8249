import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import path from 'node:path';
import { builtinTools, defineTool } from '@agent-runtime/agents';
import { agentSpecSchema, createAgent, createAgentVersion, createApiKey, createTenant } from '@agent-runtime/core';
import { startTestRuntime, waitForRun, type TestRuntime } from '@agent-runtime/test-harness';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const maxBytes = 12 * 1024 * 1024;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const base64Of = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

interface ArtifactBody {
  id: string;
  runId: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  source: string;
  step: number | null;
  toolCallId: string | null;
}

/** A request body sent chunk by chunk (chunked transfer encoding, no Content-Length). */
function chunkedBody(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream({
    pull(controller) {
      const chunk = chunks[index++];
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
  });
}

describe.each(['filesystem', 's3'] as const)('run artifacts over HTTP on the %s blob store', (blobStore) => {
  let runtime: TestRuntime;
  let runId: string;

  const upload = (
    name: string,
    body: NonNullable<RequestInit['body']>,
    headers: Record<string, string> = {},
    run = runId,
  ) =>
    fetch(`${runtime.url}/v1/runs/${run}/artifacts?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runtime.apiKey}`, ...headers },
      body,
      duplex: 'half',
    } as RequestInit);
  const artifactCount = async () =>
    Number(
      (await sql<{ count: string }>`select count(*) as count from artifacts`.execute(runtime.database.db)).rows[0]
        ?.count,
    );
  const leftoverTempFiles = async () =>
    blobStore === 'filesystem' ? await readdir(path.join(runtime.config.blobDir, '.tmp')).catch(() => []) : [];

  beforeAll(async () => {
    runtime = await startTestRuntime({ blobStore, env: { AR_ARTIFACT_MAX_BYTES: String(maxBytes) } });
    const response = await runtime.request('POST', '/v1/runs', { agentId: runtime.exampleAgentId, input: 'hi' });
    runId = ((await response.json()) as { id: string }).id;
    await waitForRun(runtime, runId);
  });
  afterAll(() => runtime.stop());

  it('uploads, lists and streams artifacts back whole, with their digests', async () => {
    const large = new Uint8Array(randomBytes(10 * 1024 * 1024));
    const created = await upload('dataset.bin', large, { 'content-type': 'application/octet-stream' });
    expect(created.status).toBe(201);
    const first = (await created.json()) as ArtifactBody;
    expect(first).toMatchObject({ runId, name: 'dataset.bin', size: large.byteLength, sha256: sha256(large) });
    expect(first).toMatchObject({ source: 'api', step: null, toolCallId: null });
    expect(created.headers.get('location')).toBe(`/v1/runs/${runId}/artifacts/${first.id}`);

    const rows = [randomBytes(1000), randomBytes(70_000), randomBytes(3)].map((chunk) => new Uint8Array(chunk));
    const csv = Buffer.concat(rows);
    const streamed = await upload('Übersicht "Q3".csv', chunkedBody(rows), {
      'content-type': 'Text/CSV; charset=utf-8',
    });
    expect(streamed.status).toBe(201);
    const second = (await streamed.json()) as ArtifactBody;
    expect(second).toMatchObject({ contentType: 'text/csv; charset=utf-8', size: csv.byteLength, sha256: sha256(csv) });

    const page = (await (await runtime.request('GET', `/v1/runs/${runId}/artifacts?limit=1`)).json()) as {
      items: ArtifactBody[];
      nextCursor: string | null;
    };
    expect(page.items.map((item) => item.id)).toEqual([second.id]);
    const next = await runtime.request('GET', `/v1/runs/${runId}/artifacts?limit=1&cursor=${page.nextCursor}`);
    expect(await next.json()).toEqual({ items: [first], nextCursor: null });
    expect(await (await runtime.request('GET', `/v1/runs/${runId}/artifacts/${second.id}`)).json()).toEqual(second);

    const download = await runtime.request('GET', `/v1/runs/${runId}/artifacts/${first.id}/content`);
    expect(download.status).toBe(200);
    expect(Object.fromEntries(download.headers)).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-length': String(large.byteLength),
      etag: `"${first.sha256}"`,
      'repr-digest': `sha-256=:${base64Of(first.sha256)}:`,
      digest: `sha-256=${base64Of(first.sha256)}`,
      'content-disposition': `attachment; filename="dataset.bin"; filename*=UTF-8''dataset.bin`,
      'x-content-type-options': 'nosniff',
    });
    expect(sha256(new Uint8Array(await download.arrayBuffer()))).toBe(first.sha256);

    const csvDownload = await runtime.request('GET', `/v1/runs/${runId}/artifacts/${second.id}/content`);
    expect(csvDownload.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csvDownload.headers.get('content-disposition')).toBe(
      `attachment; filename="_bersicht _Q3_.csv"; filename*=UTF-8''%C3%9Cbersicht%20%22Q3%22.csv`,
    );
    expect(Buffer.from(await csvDownload.arrayBuffer()).equals(csv)).toBe(true);

    const cached = await runtime.request('GET', `/v1/runs/${runId}/artifacts/${first.id}/content`, undefined, {
      'if-none-match': `"${first.sha256}"`,
    });
    expect(cached.status).toBe(304);
    expect(cached.headers.get('etag')).toBe(`"${first.sha256}"`);
    const head = await runtime.request('HEAD', `/v1/runs/${runId}/artifacts/${first.id}/content`);
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(large.byteLength));
    expect(head.headers.get('repr-digest')).toBe(`sha-256=:${base64Of(first.sha256)}:`);

    const events = (await (await runtime.request('GET', `/v1/runs/${runId}/events`)).json()) as {
      items: { type: string; data: Record<string, unknown> }[];
    };
    const createdEvents = events.items.filter((event) => event.type === 'artifact.created');
    expect(createdEvents.map((event) => event.data)).toEqual([
      {
        id: first.id,
        name: 'dataset.bin',
        contentType: 'application/octet-stream',
        size: large.byteLength,
        sha256: first.sha256,
        source: 'api',
      },
      {
        id: second.id,
        name: 'Übersicht "Q3".csv',
        contentType: 'text/csv; charset=utf-8',
        size: csv.byteLength,
        sha256: second.sha256,
        source: 'api',
      },
    ]);
  });

  it('keeps what an agent writes with write_artifact, once, with its event', async () => {
    const agent = (await (await runtime.request('POST', '/v1/agents', { name: `writer-${blobStore}` })).json()) as {
      id: string;
    };
    const spec = {
      model: {
        provider: 'scripted',
        replies: [
          {
            toolCalls: [
              {
                id: 'w1',
                name: 'write_artifact',
                arguments: { name: 'summary.md', content: '# Summary\n', contentType: 'text/markdown' },
              },
              {
                id: 'w2',
                name: 'write_artifact',
                arguments: { name: 'pixel.png', content: 'iVBORw0KGgo=', contentType: 'image/png', encoding: 'base64' },
              },
              { id: 'w3', name: 'write_artifact', arguments: { name: '../escape', content: 'x' } },
            ],
          },
          { text: 'written' },
        ],
      },
      tools: [{ name: 'write_artifact' }],
    };
    expect((await runtime.request('POST', `/v1/agents/${agent.id}/versions`, { spec })).status).toBe(201);
    const started = await runtime.request('POST', '/v1/runs', { agentId: agent.id, input: 'write' });
    const { id: agentRunId } = (await started.json()) as { id: string };
    expect(await waitForRun(runtime, agentRunId)).toMatchObject({ status: 'succeeded', output: { text: 'written' } });

    const listed = (await (await runtime.request('GET', `/v1/runs/${agentRunId}/artifacts`)).json()) as {
      items: ArtifactBody[];
    };
    const summaryBytes = new TextEncoder().encode('# Summary\n');
    expect(listed.items).toHaveLength(2);
    const summary = listed.items.find((item) => item.name === 'summary.md');
    expect(summary).toMatchObject({
      contentType: 'text/markdown',
      size: summaryBytes.byteLength,
      sha256: sha256(summaryBytes),
      source: 'agent',
      step: 1,
      toolCallId: 'w1',
    });
    const content = await runtime.request('GET', `/v1/runs/${agentRunId}/artifacts/${summary?.id}/content`);
    expect(await content.text()).toBe('# Summary\n');
    const png = listed.items.find((item) => item.name === 'pixel.png');
    const pngContent = await runtime.request('GET', `/v1/runs/${agentRunId}/artifacts/${png?.id}/content`);
    expect(Buffer.from(await pngContent.arrayBuffer()).toString('base64')).toBe('iVBORw0KGgo=');

    const events = (await (await runtime.request('GET', `/v1/runs/${agentRunId}/events`)).json()) as {
      items: { type: string; step: number | null; data: Record<string, unknown> }[];
    };
    const created = events.items.filter((event) => event.type === 'artifact.created');
    expect(created.map((event) => event.data)).toContainEqual({
      id: summary?.id,
      name: 'summary.md',
      contentType: 'text/markdown',
      size: summaryBytes.byteLength,
      sha256: summary?.sha256,
      source: 'agent',
      toolCallId: 'w1',
    });
    expect(created).toHaveLength(2);
    const completed = events.items.filter((event) => event.type === 'tool.completed');
    expect(completed.find((event) => event.data['callId'] === 'w1')?.data).toMatchObject({
      ok: true,
      output: { artifactId: summary?.id, size: summaryBytes.byteLength },
    });
    expect(completed.find((event) => event.data['callId'] === 'w3')?.data).toMatchObject({
      ok: false,
      error: { code: 'invalid_artifact' },
    });
  });

  it('refuses bad uploads with problem+json and stores nothing', async () => {
    const before = await artifactCount();
    const problem = async (response: Response, status: number, code: string) => {
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = (await response.json()) as { code: string; detail: string };
      expect(body.code).toBe(code);
      return body;
    };
    const octets = { 'content-type': 'application/octet-stream' };
    const declaredTooLarge = await upload('big.bin', new Uint8Array(maxBytes + 1), octets);
    expect((await problem(declaredTooLarge, 413, 'payload_too_large')).detail).toContain(String(maxBytes));
    const chunks = Array.from({ length: 13 }, () => new Uint8Array(1024 * 1024));
    await problem(await upload('big.bin', chunkedBody(chunks), octets), 413, 'payload_too_large');
    // A JSON artifact larger than the JSON body limit is fine: no parser touches it.
    const json = new TextEncoder().encode(JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }));
    const jsonUpload = await upload('big.json', json, { 'content-type': 'application/json' });
    expect(jsonUpload.status).toBe(201);
    await runtime.database.db.deleteFrom('artifacts').where('name', '=', 'big.json').execute();

    for (const name of ['a/b.txt', 'back\\slash', '..', 'line\nbreak', ' padded', 'x'.repeat(256)]) {
      const body = await problem(await upload(name, 'x', octets), 422, 'validation_failed');
      expect(body).toMatchObject({ errors: [expect.objectContaining({ path: 'querystring.name' })] });
    }
    const noName = await fetch(`${runtime.url}/v1/runs/${runId}/artifacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runtime.apiKey}`, ...octets },
      body: 'x',
    });
    await problem(noName, 422, 'validation_failed');
    const noType = await upload('plain.txt', new Blob([new Uint8Array([1, 2])]));
    const noTypeBody = await problem(noType, 422, 'validation_failed');
    expect(noTypeBody).toMatchObject({ errors: [expect.objectContaining({ path: 'headers.content-type' })] });
    await problem(await upload('x.txt', 'x', { 'content-type': 'not a type' }), 415, 'unsupported_media_type');
    await problem(await upload('x.txt', 'x', { 'content-type': 'text' }), 415, 'unsupported_media_type');

    await problem(await upload('x.txt', 'x', octets, '0190f5a6-0000-7000-8000-000000000000'), 404, 'not_found');
    await problem(await upload('x.txt', 'x', octets, 'not-a-run'), 404, 'not_found');
    const other = await createTenant(runtime.database.db, `artifact-other-${blobStore}`);
    const { key } = await createApiKey(runtime.database.db, {
      tenantId: other.id,
      name: 'other',
      roles: ['developer'],
    });
    const asOther = (method: string, url: string, body?: string) =>
      fetch(`${runtime.url}${url}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : octets) },
        ...(body === undefined ? {} : { body }),
      });
    await problem(await asOther('POST', `/v1/runs/${runId}/artifacts?name=x.txt`, 'x'), 404, 'not_found');
    await problem(await asOther('GET', `/v1/runs/${runId}/artifacts`), 404, 'not_found');
    const [anArtifact] = (
      (await (await runtime.request('GET', `/v1/runs/${runId}/artifacts`)).json()) as {
        items: ArtifactBody[];
      }
    ).items;
    await problem(await asOther('GET', `/v1/runs/${runId}/artifacts/${anArtifact?.id}`), 404, 'not_found');
    await problem(await asOther('GET', `/v1/runs/${runId}/artifacts/${anArtifact?.id}/content`), 404, 'not_found');
    await problem(await runtime.request('GET', `/v1/runs/${runId}/artifacts/nope/content`), 404, 'not_found');
    const viewer = await createApiKey(runtime.database.db, {
      tenantId: runtime.tenantId,
      name: 'viewer',
      roles: ['viewer'],
    });
    const asViewer = await fetch(`${runtime.url}/v1/runs/${runId}/artifacts?name=x.txt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${viewer.key}`, ...octets },
      body: 'x',
    });
    await problem(asViewer, 403, 'forbidden');
    await problem(await runtime.request('GET', `/v1/runs/${runId}/artifacts?cursor=bogus`), 400, 'malformed_request');

    // A client that goes away halfway through its body leaves nothing behind either.
    await new Promise<void>((resolve) => {
      const cut = httpRequest(`${runtime.url}/v1/runs/${runId}/artifacts?name=cut.bin`, {
        method: 'POST',
        headers: { authorization: `Bearer ${runtime.apiKey}`, ...octets, 'content-length': String(4 * 1024 * 1024) },
      });
      cut.on('error', () => resolve());
      cut.write(new Uint8Array(1024 * 1024), () => setTimeout(() => cut.destroy(), 100));
    });
    for (let waited = 0; (await leftoverTempFiles()).length > 0 && waited < 5_000; waited += 50) await delay(50);

    expect(await artifactCount()).toBe(before);
    expect(await leftoverTempFiles()).toEqual([]);
  });
});

describe('an artifact saved by a tool whose activity is retried', () => {
  let runtime: TestRuntime;
  let attempts = 0;
  // Saves, then dies before the step completes: the retry saves again under the same name.
  const crashAfterSaving = defineTool({
    name: 'echo',
    description: 'saves an artifact, crashing after the first save',
    input: z.record(z.string(), z.unknown()),
    async execute(_input, context) {
      attempts += 1;
      const artifact = await context.saveArtifact({
        name: 'retried.txt',
        contentType: 'text/plain',
        content: `attempt ${attempts}`,
      });
      if (attempts === 1) throw new Error('the worker died after saving');
      return { artifactId: artifact.id };
    },
  });
  beforeAll(async () => {
    runtime = await startTestRuntime({ tools: { ...builtinTools, echo: crashAfterSaving } });
  });
  afterAll(() => runtime.stop());

  it("keeps the first attempt's artifact only, with one artifact.created event", async () => {
    const agent = await createAgent(runtime.database.db, runtime.tenantId, { name: 'retried-artifact' });
    const spec = agentSpecSchema.parse({
      model: { provider: 'scripted', replies: [{ toolCalls: [{ id: 'save', name: 'echo' }] }, { text: 'saved' }] },
      tools: [{ name: 'echo' }],
    });
    await createAgentVersion(runtime.database.db, runtime.tenantId, agent.id, spec);
    const started = await runtime.request('POST', '/v1/runs', { agentId: agent.id, input: 'go' });
    const { id: runId } = (await started.json()) as { id: string };
    expect(await waitForRun(runtime, runId)).toMatchObject({ status: 'succeeded' });
    expect(attempts).toBe(2);

    const listed = (await (await runtime.request('GET', `/v1/runs/${runId}/artifacts`)).json()) as {
      items: ArtifactBody[];
    };
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]).toMatchObject({ name: 'retried.txt', source: 'tool', step: 1, toolCallId: 'save' });
    const content = await runtime.request('GET', `/v1/runs/${runId}/artifacts/${listed.items[0]?.id}/content`);
    expect(await content.text()).toBe('attempt 1');
    const events = (await (await runtime.request('GET', `/v1/runs/${runId}/events`)).json()) as {
      items: { type: string; data: Record<string, unknown> }[];
    };
    expect(events.items.filter((event) => event.type === 'artifact.created')).toHaveLength(1);
    const completed = events.items.find((event) => event.type === 'tool.completed');
    expect(completed?.data).toMatchObject({ ok: true, output: { artifactId: listed.items[0]?.id } });
    const blobs = await readdir(path.join(runtime.config.blobDir, 'artifacts', runtime.tenantId, runId));
    expect(blobs).toEqual([listed.items[0]?.id]);
  });
});
