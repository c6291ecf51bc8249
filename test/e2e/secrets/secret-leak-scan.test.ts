import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, createTelemetry, loadConfig, type Telemetry } from '@agent-runtime/core';
import {
  databaseHaystacks,
  directoryHaystacks,
  findLeaks,
  historyText,
  startOpenAiCompatibleServer,
  startOtlpReceiver,
  startTestRuntime,
  waitForRun,
  type Haystack,
  type OtlpReceiver,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface ToolRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

interface RunEvent {
  seq: number;
  type: string;
  data: Record<string, unknown>;
}

/**
 * The planted-secret scan: a secret with a unique random value is really used by an agent
 * (sent as a tool's Authorization header), through success, retry, an endpoint that echoes
 * the header back in an error, and a call needing a secret deleted after version creation.
 * Then every run event, every log line of the API and the worker, the runs' full Temporal
 * histories (claim checks redeemed), every exported span, every database table (but the
 * sealed columns of the secrets table) and every blob must hold no form of the value.
 *
 * So that the scan cannot pass by seeing nothing, control values are planted through the
 * same channels (a log line, a model reply, a large run input that only reaches history
 * through a claim check) and each must be found where it was planted.
 */
describe('planted-secret scan', () => {
  const secretValue = `leak-${randomBytes(24).toString('hex')}`;
  const deletedSecretValue = `gone-${randomBytes(24).toString('hex')}`;
  const controlValue = `ctl-${randomBytes(24).toString('hex')}`;
  const blobControlValue = `blob-${randomBytes(24).toString('hex')}`;

  const logLines: string[] = [];
  const received: ToolRequest[] = [];
  let server: Server;
  let toolUrl: string;
  let receiver: OtlpReceiver;
  let telemetry: Telemetry;
  let runtime: TestRuntime;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const path = request.url ?? '/';
      const seenBefore = received.some((earlier) => earlier.path === path);
      received.push({ path, headers: request.headers });
      request.resume();
      request.on('end', () => {
        const json = { 'content-type': 'application/json' };
        if (path === '/flaky' && !seenBefore) response.writeHead(503).end('busy');
        else if (path === '/echo-on-error') {
          // A careless endpoint: its error repeats the credential it was sent.
          response
            .writeHead(401, json)
            .end(JSON.stringify({ error: 'token refused', youSent: request.headers.authorization }));
        } else response.writeHead(200, json).end(JSON.stringify({ ok: true, path }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    toolUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    receiver = await startOtlpReceiver();
    telemetry = createTelemetry(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_GENAI_CAPTURE_CONTENT: 'full' }),
      'secret-leak-scan',
    );
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    // Everything the API, the worker and the Temporal SDK log, down to trace level.
    const logger = createLogger('trace', 'leak-scan', capture);
    runtime = await startTestRuntime({ logger, telemetry });
  });

  afterAll(async () => {
    await runtime.stop();
    await telemetry.shutdown();
    await receiver.close();
    await new Promise((resolve) => server.close(resolve));
  });

  async function eventsOf(runId: string): Promise<RunEvent[]> {
    const response = await runtime.request('GET', `/v1/runs/${runId}/events`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: RunEvent[] }).items;
  }

  /** Creates an agent with one version, calls `beforeRun` (after version creation), then starts a run. */
  async function startRun(
    agentName: string,
    spec: unknown,
    input: unknown,
    beforeRun: () => Promise<void> = async () => {},
  ): Promise<string> {
    const agent = (await (await runtime.request('POST', '/v1/agents', { name: agentName })).json()) as { id: string };
    const version = await runtime.request('POST', `/v1/agents/${agent.id}/versions`, { spec });
    expect(version.status, await version.clone().text()).toBe(201);
    await beforeRun();
    const run = (await (await runtime.request('POST', '/v1/runs', { agentId: agent.id, input })).json()) as {
      id: string;
    };
    return run.id;
  }

  it('finds no trace of a secret a run really used, and finds every planted control', async () => {
    expect((await runtime.request('POST', '/v1/secrets', { name: 'CRM_TOKEN', value: secretValue })).status).toBe(201);
    expect(
      (await runtime.request('POST', '/v1/secrets', { name: 'OLD_TOKEN', value: deletedSecretValue })).status,
    ).toBe(201);
    // Requests carrying the value that fail: their answers and logs must not repeat it either.
    const refusedAnswers: string[] = [];
    for (const [method, path, body, status] of [
      ['POST', '/v1/secrets', { name: 'bad name', value: secretValue }, 422],
      ['POST', '/v1/secrets', { name: 'CRM_TOKEN', value: secretValue }, 409],
      ['POST', '/v1/secrets', { name: 'EXTRA', value: secretValue, plaintext: true }, 422],
      ['POST', '/v1/secrets', `{"name":"BROKEN","value":"${secretValue}",}`, 400],
      ['POST', '/v1/secrets', `{"name":"BROKEN","value":"${secretValue}`, 400],
      ['POST', '/v1/secrets', `{"name":"BROKEN","value":${secretValue}}`, 400],
      ['PUT', '/v1/secrets/NOPE', { value: secretValue }, 404],
      ['PUT', '/v1/secrets/CRM_TOKEN', { value: secretValue, version: 3 }, 422],
    ] as const) {
      const response = await runtime.request(method, path, body);
      refusedAnswers.push(await response.text());
      expect(response.status, `${method} ${path}`).toBe(status);
    }
    const bearer = { Authorization: { secret: 'CRM_TOKEN', prefix: 'Bearer ' } };
    const runId = await startRun(
      'crm-agent',
      {
        model: {
          provider: 'scripted',
          replies: [
            {
              toolCalls: [
                { id: 'ok', name: 'crm_ok', arguments: {} },
                { id: 'flaky', name: 'crm_flaky', arguments: {} },
                { id: 'echo', name: 'crm_echo', arguments: {} },
                { id: 'gone', name: 'crm_gone', arguments: {} },
              ],
            },
            { text: 'done' },
          ],
        },
        tools: [
          { kind: 'http', name: 'crm_ok', url: `${toolUrl}/ok`, headers: { ...bearer, 'x-tenant': 'acme' } },
          { kind: 'http', name: 'crm_flaky', url: `${toolUrl}/flaky`, headers: bearer },
          { kind: 'http', name: 'crm_echo', url: `${toolUrl}/echo-on-error`, headers: bearer },
          { kind: 'http', name: 'crm_gone', url: `${toolUrl}/gone`, headers: { 'x-api-key': { secret: 'OLD_TOKEN' } } },
        ],
      },
      'sync the CRM',
      // Deleted after the version was created, before the run.
      async () => expect((await runtime.request('DELETE', '/v1/secrets/OLD_TOKEN')).status).toBe(204),
    );
    expect(await waitForRun(runtime, runId)).toMatchObject({ status: 'succeeded' });

    // The secret was really used: every attempt carried it.
    const authorized = received.filter((request) => request.headers.authorization === `Bearer ${secretValue}`);
    expect(authorized.map((request) => request.path).sort()).toEqual(['/echo-on-error', '/flaky', '/flaky', '/ok']);
    expect(received.find((request) => request.path === '/ok')?.headers['x-tenant']).toBe('acme');
    expect(received.some((request) => request.path === '/gone')).toBe(false);

    const events = await eventsOf(runId);
    const results = Object.fromEntries(
      events.filter((event) => event.type === 'tool.completed').map((event) => [event.data['callId'], event.data]),
    );
    expect(results['ok']).toMatchObject({ ok: true, output: { ok: true } });
    expect(results['flaky']).toMatchObject({ ok: true });
    expect(results['echo']).toMatchObject({ ok: false, error: { code: 'http_401' } });
    const echoed = (results['echo'] as { error: { message: string } }).error.message;
    expect(JSON.parse(echoed)).toEqual({ error: 'token refused', youSent: 'Bearer [redacted]' });
    expect(results['gone']).toMatchObject({
      ok: false,
      error: { code: 'secret_not_found', message: expect.stringContaining('secret "OLD_TOKEN" does not exist') },
    });

    // A model provider keyed by the same secret: a 500 that is retried, then a reply; and a
    // careless model server whose 401 repeats the key it was sent.
    const modelServer = await startOpenAiCompatibleServer();
    modelServer.enqueue(
      { kind: 'status', status: 500, echoAuthorization: true },
      { kind: 'reply', text: 'modelled' },
      { kind: 'status', status: 401, message: 'key refused', echoAuthorization: true },
    );
    const providerModel = {
      provider: 'openai-compatible',
      baseUrl: modelServer.baseUrl,
      model: 'local',
      apiKeySecret: 'CRM_TOKEN',
      headers: { 'x-crm': { secret: 'CRM_TOKEN', prefix: 'crm ' } },
    };
    const modelRunId = await startRun('model-agent', { model: providerModel }, 'hello');
    expect(await waitForRun(runtime, modelRunId)).toMatchObject({ status: 'succeeded', output: { text: 'modelled' } });
    const refusedRunId = await startRun('refused-model-agent', { model: providerModel }, 'hello');
    const refused = await waitForRun(runtime, refusedRunId);
    expect(refused).toMatchObject({ status: 'failed', error: { code: 'model_request_rejected' } });
    expect((refused.error as { message: string }).message).toContain('you sent Bearer [redacted]');
    expect(modelServer.requests.map((request) => request.authorization)).toEqual(
      Array.from({ length: 3 }, () => `Bearer ${secretValue}`),
    );
    expect(modelServer.requests[0]?.headers['x-crm']).toBe(`crm ${secretValue}`);
    await modelServer.close();

    // Controls, through the same channels the scan reads.
    runtime.app.log.info({ note: controlValue }, 'control line planted by the leak-scan test');
    const controlRunId = await startRun(
      'control-agent',
      { model: { provider: 'scripted', replies: [{ text: `control reply ${controlValue}` }] } },
      { note: `${blobControlValue} ${'x'.repeat(200 * 1024)}` },
    );
    expect(await waitForRun(runtime, controlRunId)).toMatchObject({ status: 'succeeded' });
    await telemetry.tracing?.spanProcessor.forceFlush();

    const eventHaystacks: Haystack[] = [];
    const historyHaystacks: Haystack[] = [];
    for (const id of [runId, modelRunId, refusedRunId, controlRunId]) {
      eventHaystacks.push({ place: `events of run ${id}`, text: JSON.stringify(await eventsOf(id)) });
      const history = await runtime.temporal.workflow.getHandle(id).fetchHistory();
      historyHaystacks.push({ place: `history of run ${id}`, text: await historyText(history, runtime.blobs) });
    }
    const haystacks: Haystack[] = [
      { place: 'logs', text: logLines.join('') },
      { place: 'answers to refused requests', text: refusedAnswers.join('\n') },
      ...eventHaystacks,
      ...historyHaystacks,
      { place: 'spans', text: JSON.stringify(receiver.spans) },
      ...(await databaseHaystacks(runtime.database.db, ['secrets.wrapped_data_key', 'secrets.ciphertext'])),
      ...(await directoryHaystacks(runtime.config.blobDir)),
    ];
    expect(logLines.length).toBeGreaterThan(20);
    expect(receiver.spans.some((span) => span.name.startsWith('execute_tool'))).toBe(true);

    // The scan itself.
    expect(findLeaks(haystacks, secretValue)).toEqual([]);
    expect(findLeaks(haystacks, deletedSecretValue)).toEqual([]);

    // The scan can fail: each control is found where it was planted.
    const controlPlaces = findLeaks(haystacks, controlValue).map((found) => found.place);
    expect(controlPlaces).toEqual(
      expect.arrayContaining([
        'logs',
        `events of run ${controlRunId}`,
        `history of run ${controlRunId}`,
        'spans',
        'database table runs',
        'database table run_events',
      ]),
    );
    expect(controlPlaces).not.toContain(`history of run ${runId}`);
    // The large input reaches history only as a claim check: found once the check is redeemed.
    const controlHistory = await runtime.temporal.workflow.getHandle(controlRunId).fetchHistory();
    const unredeemed = { place: 'history', text: await historyText(controlHistory, runtime.blobs, { redeem: false }) };
    expect(findLeaks([unredeemed], blobControlValue)).toEqual([]);
    expect(findLeaks(haystacks, blobControlValue).map((found) => found.place)).toEqual(
      expect.arrayContaining([`history of run ${controlRunId}`, 'database table runs']),
    );
    // And the sealed columns left out above never held the plaintext either.
    const sealed = await runtime.database.db.selectFrom('secrets').select(['ciphertext', 'wrapped_data_key']).execute();
    expect(sealed.length).toBe(1);
    for (const row of sealed) {
      expect(Buffer.concat([row.ciphertext, row.wrapped_data_key]).includes(Buffer.from(secretValue))).toBe(false);
    }
  });
  it('fails a run whose failing tool needs a secret deleted after version creation, naming the secret', async () => {
    expect((await runtime.request('POST', '/v1/secrets', { name: 'ERP_KEY', value: secretValue })).status).toBe(201);
    const runId = await startRun(
      'erp-agent',
      {
        model: { provider: 'scripted', replies: [{ toolCalls: [{ id: 'erp', name: 'erp', arguments: {} }] }] },
        tools: [
          {
            kind: 'http',
            name: 'erp',
            url: `${toolUrl}/ok`,
            onError: 'fail',
            headers: { 'x-api-key': { secret: 'ERP_KEY' } },
          },
        ],
      },
      'post the invoice',
      async () => expect((await runtime.request('DELETE', '/v1/secrets/ERP_KEY')).status).toBe(204),
    );
    const run = await waitForRun(runtime, runId);
    expect(run).toMatchObject({
      status: 'failed',
      error: {
        code: 'secret_not_found',
        message: 'tool erp failed: header "x-api-key": secret "ERP_KEY" does not exist in this tenant',
      },
    });
  });
});
