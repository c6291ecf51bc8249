import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { generateApiKey, generateMasterKeyEntry } from '@agent-runtime/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createPostgresDatabase,
  freePort,
  repoRoot,
  serviceProcess,
  startEmbeddedProcess,
  startRedis,
  stopProcess,
  testLogFd,
  type RedisServer,
  type ServiceProcess,
} from '@agent-runtime/test-harness';

/**
 * The OpenAPI document is the contract: schemathesis (installed by scripts/test.sh into
 * .tools/schemathesis) generates requests from `/openapi.json`, valid and invalid, runs every
 * check (server errors, documented statuses, content types, headers and schemas, valid data
 * accepted and invalid data refused, authentication, deleted resources gone) and the stateful
 * phase, which chains operations through the links it infers (create an agent, add a version,
 * start a run, read it, cancel it…), against the embedded runtime and the production stack.
 * Any failure fails the test with schemathesis's report.
 */

const schemathesis = path.join(repoRoot, '.tools/schemathesis/bin/schemathesis');
const apiMain = path.join(repoRoot, 'services/api/src/main.ts');
const workerMain = path.join(repoRoot, 'services/worker/src/main.ts');

/** Test cases per operation and phase: enough to find what the first run found, ~4 min a mode. */
const maxExamples = 50;

/** List operations: their `cursor` is opaque and server-issued. */
const listOperations = [
  'GET /v1/agents',
  'GET /v1/agents/{agentId}/versions',
  'GET /v1/agents/{agentId}/versions/{version}/tools',
  'GET /v1/api-keys',
  'GET /v1/audit',
  'GET /v1/runs',
  'GET /v1/runs/{runId}/artifacts',
  'GET /v1/runs/{runId}/waitpoints',
  'GET /v1/runs/{runId}/webhook-deliveries',
  'GET /v1/schedules',
  'GET /v1/secrets',
  'GET /v1/store/namespaces',
  'GET /v1/tenants',
  'GET /v1/threads',
  'GET /v1/threads/{threadId}/messages',
  'GET /v1/threads/{threadId}/runs',
  'POST /v1/store/items/search',
  'GET /v1/webhooks',
  'GET /v1/webhooks/{webhookId}/deliveries',
];

/**
 * Every place where this suite tells schemathesis to expect something else than its defaults,
 * each with its reason. No operation is excluded; one check (use_after_free) is disabled, below.
 */
const configuration = `
# Long polls (GET /v1/runs/{runId}?wait=) may answer after 60 s, as documented.
request-timeout = 75

[checks]
# The same reason: a long poll's answer may take its whole wait (60 s at most).
max_response_time = 75

[generation]
# U+0000 cannot be stored in PostgreSQL text or jsonb: the API refuses it in any string with
# 422 (a general rule, stated in the document's description, that no per-field JSON Schema
# keyword can state without a pattern on every string). Generating it would make every
# string-taking operation a "schema-valid request rejected".
allow-x00 = false

[phases.coverage.extra-data-sources]
# Off: schemathesis 4.32 feeds the ids of earlier responses into later requests by parsing
# each response as its media type, and crashes its stateful phase (silently, exiting 0) on an
# artifact downloaded as application/yaml whose bytes are no YAML. The stateful phase still
# chains operations through the links it infers from the document.
responses = false

[phases.fuzzing.extra-data-sources]
# Off, for the same reason.
responses = false

[checks.negative_data_rejection]
# Schemathesis's default list, plus 413: an invalid body can also be over the body size limit
# (AR_BODY_LIMIT_BYTES), which is refused before it is read. 5xx is left out on purpose.
expected-statuses = [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429]

[[operations]]
# A cursor is an opaque token the server issued (\`nextCursor\`); one it did not issue answers
# 400 malformed_request. No JSON Schema can say which strings a server issued.
include-name = ${JSON.stringify(listOperations)}
checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 401, 403, 404, 409, 429]

[[operations]]
# Rules over data outside the request, which a schema cannot state: a version's spec must name
# existing secrets, reachable MCP servers with the tools it enables, tools it declares (across
# its own fields); a run needs an agent that has a version and is not archived; a key's
# expiresAt must be in the future (a tenant's own keys and the first admin key a platform
# admin issues it alike); a fork's seq must not pass the thread's last message, and its runId
# must name a turn of the thread. Each answers 422 validation_failed with the path at fault.
include-name = ["POST /v1/api-keys", "POST /v1/tenants/{tenantId}/api-keys", "POST /v1/threads/{threadId}/fork"]
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]

[[operations]]
# The same business rules (422), and one more: these bodies carry free-form JSON at any depth
# (a scripted reply's tool arguments, a tool's input schema, a run's input), where the
# document allows any value ({}). The parser refuses an object key \`__proto__\` at every depth
# with 400, as the document's description states; JSON Schema can ban a key only level by
# level, and the maps the document names do ban it (propertyNames), but no keyword reaches
# inside an any-value schema. A replay's input is such JSON too, and its fromStep must not pass
# the replayed run's last recorded step + 1 (422), a rule over the run's records. A schedule's
# run input is such JSON as well, and a schedule needs an agent that is not archived (409) with
# the version and thread it names (404). A new run also needs its tenant's monthly budget
# not spent (402 tenant_budget_exceeded): the fuzzer may PATCH the tenant's budget to 0.
include-name = ["POST /v1/agents/{agentId}/versions", "POST /v1/runs", "POST /v1/runs/{runId}/replay", "POST /v1/threads/{threadId}/runs", "POST /v1/schedules", "PATCH /v1/schedules/{scheduleId}"]
checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 401, 402, 403, 404, 409, 422, 429]

[[operations]]
# A usage query's period must begin before it ends and span at most 366 days (422
# validation_failed), a rule over two parameters that JSON Schema cannot state; its cursor is
# server-issued, as a list operation's (400).
include-name = ["GET /v1/usage"]
checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 401, 403, 422, 429]

[[operations]]
# A memory item's value is free-form JSON too (the same 400 for \`__proto__\`); its size limit
# is counted on the value as JSON (422); and a put with \`index\` answers 409
# semantic_search_unavailable where no embedding model is configured, as here. A search's
# filter values are free-form JSON and its query meets the same 409: it is a list operation
# above, whose statuses include both.
include-name = ["PUT /v1/store/items"]
checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 401, 403, 409, 422, 429]

[[operations]]
# A callback or approval link's token is the credential, signed by the server: a generated
# one answers 401 callback_token_invalid (a valid-looking string no key signed), and one the
# server issued answers 410 once used or expired. A link's body is free-form JSON (the same
# 400 for \`__proto__\`); an approval link's is \`{ comment }\` (422 otherwise).
include-name = ["POST /v1/callbacks/{token}", "GET /v1/callbacks/{token}"]
checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 401, 409, 410, 422, 429]

[[operations]]
# A webhook URL's host must resolve to an address the policy allows (AR_WEBHOOK_ALLOWED_NETWORKS):
# a rule over DNS at the time of the request, which no schema can state; a refused or
# unresolvable host answers 422 webhook_address_refused. A run's webhookUrl meets the same
# rule (POST /v1/runs is above, with 422), and 409 webhook_secret_missing before the tenant
# has a run secret.
include-name = ["POST /v1/webhooks", "PATCH /v1/webhooks/{webhookId}"]
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 422, 429]
`;

interface SchemathesisRun {
  readonly exitCode: number | null;
  readonly report: string;
}

/** Runs schemathesis over `url`'s document with every check and phase, as `apiKey`'s holder. */
async function runSchemathesis(url: string, apiKey: string): Promise<SchemathesisRun> {
  const directory = await mkdtemp(path.join(tmpdir(), 'schemathesis-'));
  try {
    const configFile = path.join(directory, 'schemathesis.toml');
    await writeFile(configFile, configuration);
    // Schemathesis prints the Authorization header as [Filtered] in its report.
    const args = [
      '--config-file',
      configFile,
      'run',
      `${url}/openapi.json`,
      '--checks',
      'all',
      // Disabled: DELETE /v1/agents/{agentId} archives the agent and DELETE /v1/api-keys/{keyId}
      // revokes the key; both stay readable (archivedAt, revokedAt set) because versions, runs
      // and audit events keep referring to them. That is the documented behaviour, not a leak.
      // (On the command line: `--checks all` there overrides the configuration file.)
      '--exclude-checks',
      'use_after_free',
      '--phases',
      'examples,coverage,fuzzing,stateful',
      '--max-examples',
      String(maxExamples),
      '--header',
      `Authorization: Bearer ${apiKey}`,
      '--continue-on-failure',
      '--no-color',
      '--report-dir',
      directory,
    ];
    const child = spawn(schemathesis, args, { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] });
    let report = '';
    child.stdout.on('data', (chunk: Buffer) => (report += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (report += chunk.toString()));
    const exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { exitCode, report };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** Asserts a clean run; a failing one fails with schemathesis's whole report. */
function expectNoFailures(run: SchemathesisRun): void {
  const summary = /Test cases:\n\s*(.+)/.exec(run.report)?.[1] ?? 'no summary';
  expect(run.exitCode, `schemathesis found failures (${summary}):\n${run.report}`).toBe(0);
  // Guards against a run that tested nothing (a document that failed to load, say).
  expect(run.report).toMatch(/\d+ generated/);
  expect(run.report).not.toMatch(/Unresolvable references/);
  // A crash inside a phase is printed, skips the phase and still exits 0.
  expect(run.report).not.toMatch(/Traceback|Exception in thread/);
  expect(run.report).toMatch(/(✅|❌) {2}Stateful \(in/);
}

async function awaitReady(url: string): Promise<void> {
  for (let waited = 0; ; waited += 200) {
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    if (waited > 60_000) throw new Error(`${url} did not become ready`);
    await delay(200);
  }
}

const runTimeoutMs = 8 * 60_000;

describe('the OpenAPI contract under schemathesis', () => {
  beforeAll(() => {
    if (!existsSync(schemathesis)) {
      throw new Error(
        `${schemathesis} is missing: scripts/test.sh installs it (ensure_schemathesis in scripts/lib.sh)`,
      );
    }
  });

  describe('embedded runtime', () => {
    const apiKey = generateApiKey();
    let url = '';
    let dataDir = '';
    let runtime: Awaited<ReturnType<typeof startEmbeddedProcess>> | undefined;

    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-contract-'));
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      runtime = await startEmbeddedProcess(url, {
        ...process.env,
        AR_DATA_DIR: dataDir,
        PORT: String(port),
        TEMPORAL_DEV_PORT: String(await freePort()),
        AR_BOOTSTRAP_API_KEY: apiKey,
        // The fuzzer sends thousands of requests a minute; the rate limit has tests of its own.
        AR_TENANT_RATE_LIMIT: '0',
        LOG_LEVEL: 'fatal',
      });
    });

    afterAll(async () => {
      await stopProcess(runtime);
      await rm(dataDir, { recursive: true, force: true });
    });

    it('finds no failure', { timeout: runTimeoutMs }, async () => {
      expectNoFailures(await runSchemathesis(url, apiKey));
    });
  });

  describe('production mode (PostgreSQL, Temporal, Redis; API and worker processes)', () => {
    const apiKey = generateApiKey();
    let url = '';
    let dataDir = '';
    let redis: RedisServer | undefined;
    const services: ServiceProcess[] = [];

    beforeAll(async () => {
      redis = await startRedis();
      dataDir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-contract-'));
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: await createPostgresDatabase(),
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: `contract-${randomBytes(4).toString('hex')}`,
        REDIS_URL: redis.url,
        AR_DATA_DIR: dataDir,
        AR_BOOTSTRAP_API_KEY: apiKey,
        AR_MASTER_KEYS: generateMasterKeyEntry('contract'),
        AR_TENANT_RATE_LIMIT: '0',
        PORT: String(port),
        LOG_LEVEL: 'fatal',
      };
      const api = serviceProcess('api', apiMain, env, { logFd: testLogFd() });
      const worker = serviceProcess('worker', workerMain, env, { logFd: testLogFd() });
      services.push(api, worker);
      try {
        // The API migrates and seeds first; the worker finds everything in place.
        api.start();
        await awaitReady(url);
        worker.start();
      } catch (error) {
        throw new Error(`the stack did not come up\n--- api stderr:\n${api.stderrTail}`, { cause: error });
      }
    });

    afterAll(async () => {
      await Promise.allSettled(services.map((service) => service.stop()));
      await redis?.stop();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('finds no failure', { timeout: runTimeoutMs }, async () => {
      expectNoFailures(await runSchemathesis(url, apiKey));
    });
  });
});
