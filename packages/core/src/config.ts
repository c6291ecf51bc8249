import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { assertValidBlobKey } from './blobs/blob-key.ts';
import { parseMasterKeys, type MasterKey } from './secrets/master-keys.ts';

/** JWS algorithms an OIDC issuer may sign with: asymmetric ones only, never `none` or `HS*`. */
export const oidcAlgorithms = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/** A JWS algorithm accepted for OIDC tokens. */
export type OidcAlgorithm = (typeof oidcAlgorithms)[number];

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/** `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`); unset or empty means `defaultValue`. */
const booleanString = (defaultValue: boolean) =>
  optionalString.pipe(z.stringbool().optional()).transform((value) => value ?? defaultValue);

/** Days of a retention default: unset or empty is undefined (for ever), 0 is for ever too. */
const retentionDays = optionalString
  .transform((value) => (value === undefined ? undefined : Number(value)))
  .pipe(z.number().int().min(0).max(36_500).optional());

const durationUnits: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a duration such as `500ms`, `5s`, `2h`; undefined when it is not one. */
function parseDuration(text: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!match) return undefined;
  const [, amount = '', unit = ''] = match;
  return Number(amount) * (durationUnits[unit] ?? 0);
}

function isBlobKey(value: string): boolean {
  try {
    assertValidBlobKey(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every setting of the runtime, read from environment variables once at boot. Each variable
 * is documented in `.env.example`. Unset backends fall back to their embedded defaults.
 */
const configSchema = z.object({
  /** Directory for embedded state: PGlite files and the Temporal dev server's database. @default .agent-runtime */
  AR_DATA_DIR: z.string().default('.agent-runtime'),
  /**
   * Directory of the filesystem blob store (large Temporal payloads, run artifacts).
   * The API and every worker must see the same directory. @default `AR_DATA_DIR/blobs`
   */
  AR_BLOB_DIR: optionalString,
  /**
   * Temporal payloads larger than this many bytes go to the blob store and only a reference
   * goes into workflow history (claim check). Temporal rejects payloads over 2 MB. @default 131072
   */
  AR_PAYLOAD_OFFLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024)
    .default(128 * 1024),
  /** Where blobs live: `filesystem` (the directory `AR_BLOB_DIR`) or `s3` (`AR_S3_*`). @default filesystem */
  AR_BLOB_STORE: z.enum(['filesystem', 's3']).default('filesystem'),
  /** Bucket of the S3 blob store, shared by the API and every worker; required with `AR_BLOB_STORE=s3`. */
  AR_S3_BUCKET: optionalString,
  /** Endpoint of an S3-compatible server (MinIO, SeaweedFS…); unset for AWS S3. */
  AR_S3_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  /**
   * Region of the bucket (S3-compatible servers mostly accept any). @default `AWS_REGION`,
   * else us-east-1
   */
  AR_S3_REGION: optionalString,
  /**
   * The AWS SDKs' standard region variable (set in ECS tasks, and by most AWS set-ups); read
   * here only as the default of `AR_S3_REGION`, so one region setting serves both.
   */
  AWS_REGION: optionalString,
  /**
   * Path-style addressing (`<endpoint>/<bucket>/<key>`), which MinIO and most S3-compatible
   * servers need. @default false
   */
  AR_S3_FORCE_PATH_STYLE: booleanString(false),
  /**
   * Put before every object key (`<prefix>/<key>`), so deployments can share a bucket;
   * surrounding slashes are dropped. @default none
   */
  AR_S3_PREFIX: optionalString
    .transform((value) => value?.replace(/^\/+|\/+$/g, '') || undefined)
    .refine(
      (value) => value === undefined || isBlobKey(value),
      'must be /-separated segments of letters, digits, ".", "_" and "-"',
    ),
  /**
   * Path (absolute, or relative to the working directory) of a TypeScript or JavaScript module
   * whose default export (or `registrations` export) holds the worker's own agents, graphs and
   * tools by name (`WorkerRegistrations`), loaded at boot by the embedded runtime and every
   * worker process. @default none
   */
  AR_AGENTS_MODULE: optionalString,
  /** PostgreSQL connection string; unset selects PGlite in `AR_DATA_DIR/pglite`. */
  DATABASE_URL: optionalString,
  /** Maximum PostgreSQL connections per process. @default 10 */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * Password of `DATABASE_URL`'s user, in place of one written in the URL: a secret store
   * (ECS task secrets, a Kubernetes secret) injects it on its own, so the URL itself holds
   * no secret. Wins over a password in the URL. @default none
   */
  DATABASE_PASSWORD: optionalString,
  /**
   * PEM file of the certificate authorities the PostgreSQL server's certificate must chain to
   * (e.g. the RDS CA bundle the image carries at `/etc/ssl/certs/rds-ca-bundle.pem`). Set:
   * connections use TLS and verify the server's certificate and host name against it. Leave
   * `sslmode` out of `DATABASE_URL` then. @default none (as `DATABASE_URL` says)
   */
  DATABASE_CA_FILE: optionalString,
  /**
   * Whether the API and worker processes bring the schema to the latest version when they
   * start. `false` for deployments that run `npm run migrate` as a step of their own before a
   * rollout (one migrator, no race between starting tasks); a process then refuses to start on
   * a schema that is behind. @default true
   */
  AR_MIGRATE_ON_START: booleanString(true),
  /**
   * Redis connection string (`redis://host:6379`). Set: run events fan out over Redis
   * pub/sub, so every API instance streams events recorded by any worker. Unset: an
   * in-process bus, enough when the API and the worker share one process (embedded).
   * Redis only ever carries copies: losing it delays live events, never loses them.
   */
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\/\S+$/, 'must look like redis://host:port or rediss://host:port')
      .optional(),
  ),
  /**
   * Seconds a run's cached copy lives in Redis (hot reads: `GET /v1/runs/{id}`, long polls).
   * Copies are replaced on every change, so this only bounds staleness when a writer could
   * not reach Redis after committing. 0 turns the cache off. Needs `REDIS_URL`. @default 30
   */
  AR_RUN_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(30),
  /** Temporal frontend `host:port`; unset makes the embedded runtime start its own dev server. */
  TEMPORAL_ADDRESS: optionalString,
  /** Namespace of runs' workflows (Temporal Cloud: `<namespace>.<account>`). @default default */
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /**
   * TLS to the Temporal frontend (Temporal Cloud needs it). Unset: on exactly when an API key
   * or a client certificate is set. @default as the credentials say
   */
  TEMPORAL_TLS: optionalString.pipe(z.stringbool().optional()),
  /** API key of a Temporal Cloud namespace (sent as a bearer token); exclusive with a client certificate. */
  TEMPORAL_API_KEY: optionalString,
  /** PEM of the client certificate for mutual TLS (Temporal Cloud's certificate auth); needs the key. */
  TEMPORAL_TLS_CLIENT_CERT_DATA: optionalString,
  /** PEM of the client certificate's private key; needs the certificate. */
  TEMPORAL_TLS_CLIENT_KEY_DATA: optionalString,
  /** Task queue the workers poll and runs are started on. @default agent-runs */
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('agent-runs'),
  /** Path of the `temporal` CLI for the embedded dev server; else looked up in .tools and PATH. */
  TEMPORAL_CLI_PATH: optionalString,
  /** Port of the embedded Temporal dev server. @default 7233 */
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  /** Interface the API listens on. @default 127.0.0.1 */
  HOST: z.string().default('127.0.0.1'),
  /** Port the API listens on. @default 8080 */
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /**
   * The API's public base URL (through the gateway), e.g. `https://agents.example.com`: the
   * callback and approval links runs hand out are made absolute with it. Unset: links are
   * paths (`/v1/callbacks/{token}`), which a caller joins with the URL it reaches the API at.
   */
  AR_PUBLIC_URL: optionalString.pipe(
    z
      .url({ protocol: /^https?$/ })
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
  ),
  /** Largest accepted request body in bytes. @default 1048576 */
  AR_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  /**
   * Sustained API requests per minute of each tenant (authenticated routes; public ones are
   * exempt), unless the tenant has its own. 0: unlimited. Counted in Redis when `REDIS_URL`
   * is set (shared by every API instance), else in this process. @default 3000
   */
  AR_TENANT_RATE_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(3000),
  /** Requests a tenant may send at once on top of the sustained rate, unless it has its own. @default 500 */
  AR_TENANT_RATE_BURST: z.coerce.number().int().min(1).max(1_000_000).default(500),
  /**
   * Longest wait for Redis when counting a request; past it, or with Redis down, the request
   * is let through (fail open): a Redis outage must not take the API down. @default 100
   */
  AR_RATE_LIMIT_REDIS_TIMEOUT_MS: z.coerce.number().int().min(1).max(10_000).default(100),
  /**
   * Runs of each tenant that use workers at once (admitted and queued, or running), unless the
   * tenant has its own. A run `waiting` for a person or an outside system uses no worker and
   * does not count here (see `AR_TENANT_MAX_WAITING_RUNS`). 0: unlimited. @default 100
   */
  AR_TENANT_MAX_CONCURRENT_RUNS: z.coerce.number().int().min(0).max(1_000_000).default(100),
  /**
   * Runs of each tenant that may be `waiting` (for an approval) at once before admission of
   * its new runs pauses; it resumes as soon as fewer wait. Runs already admitted still go on
   * waiting past it, so it bounds the waiting runs to this plus the concurrent-run limit.
   * 0: unlimited. @default 10000
   */
  AR_TENANT_MAX_WAITING_RUNS: z.coerce.number().int().min(0).max(100_000_000).default(10_000),
  /**
   * What happens to a run over the tenant's concurrent-run limit: `queue` (it stays `queued`
   * and starts, oldest first, when a slot frees) or `reject` (429 `rate_limited`). @default queue
   */
  AR_TENANT_RUN_OVERFLOW: z.enum(['queue', 'reject']).default('queue'),
  /**
   * Largest artifact in bytes, uploaded over the API or saved by a tool; larger uploads
   * answer 413 and store nothing. Artifacts stream to the blob store, so this bounds storage,
   * not memory. @default 104857600 (100 MiB)
   */
  AR_ARTIFACT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(5 * 1024 ** 4)
    .default(100 * 1024 * 1024),
  /**
   * Days a run is kept after it ended (with its events, tool calls, replies, artifacts and
   * payload blobs), for tenants without their own setting. Unset or 0: for ever. See
   * docs/retention.md. @default for ever
   */
  AR_RETENTION_RUNS_DAYS: retentionDays,
  /** Days a thread is kept after its last activity, with its messages and runs. Unset or 0: for ever. @default for ever */
  AR_RETENTION_THREADS_DAYS: retentionDays,
  /** Days an artifact is kept after it was stored (its run stays). Unset or 0: for ever. @default for ever */
  AR_RETENTION_ARTIFACTS_DAYS: retentionDays,
  /**
   * Days the blob-stored large payloads (claim check) of a run's workflow are kept after the
   * run ended. Nothing reads them once the workflow has closed but Temporal's own history
   * views, which then show the claim check instead. 0: for ever. @default 7
   */
  AR_RETENTION_PAYLOADS_DAYS: retentionDays.transform((value) => value ?? 7),
  /**
   * Days a blob nothing refers to any more (a payload of a workflow that is no run, or of a run
   * already pruned; an artifact blob without its record; a payload written without its
   * workflow's key) is kept before the retention pass deletes it. @default 7
   */
  AR_RETENTION_ORPHAN_BLOB_DAYS: z.coerce.number().int().min(1).max(36_500).default(7),
  /**
   * Minutes between retention passes (a Temporal Schedule the API creates or updates at
   * start). 0: no passes; the API deletes the schedule. @default 60
   */
  AR_RETENTION_INTERVAL_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(60),
  /** Objects one retention batch deletes, in one transaction. @default 100 */
  AR_RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  /** API key of the seeded admin on first start; generated and printed once when unset. */
  AR_BOOTSTRAP_API_KEY: optionalString.pipe(
    z
      .string()
      .regex(/^ar_[A-Za-z0-9]{8}_[A-Za-z0-9]{32,}$/, 'must look like ar_<8 chars>_<32+ chars>')
      .optional(),
  ),
  /**
   * Master keys that wrap the data keys of tenant secrets: `<id>:<base64 of 32 random bytes>`
   * entries separated by commas, the current key first (older keys only unwrap, until
   * `npm run secrets:rewrap` has moved every secret to the current one; see docs/secrets.md).
   * Required in production mode; unset on embedded defaults, a key is generated into
   * `AR_DATA_DIR/master-keys` on first start.
   */
  AR_MASTER_KEYS: optionalString.transform((value, context): readonly MasterKey[] => {
    if (value === undefined) return [];
    const parsed = parseMasterKeys(value);
    if ('problem' in parsed) {
      context.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    }
    return parsed.keys;
  }),
  /**
   * Issuer of the OIDC access tokens the API accepts besides API keys (Keycloak:
   * `<base URL>/realms/agent-runtime`); must equal the tokens' `iss`. Unset: API keys only.
   */
  AR_OIDC_ISSUER: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  /** The `aud` every accepted token must carry. @default agent-runtime-api */
  AR_OIDC_AUDIENCE: optionalString.transform((value) => value ?? 'agent-runtime-api'),
  /** The issuer's JSON Web Key Set; unset: `jwks_uri` of `<issuer>/.well-known/openid-configuration`. */
  AR_OIDC_JWKS_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  /**
   * Signature algorithms accepted, comma-separated; asymmetric only (`none` and the HMAC
   * `HS*` family are refused: a public key must never serve as an HMAC secret). @default RS256
   */
  AR_OIDC_ALGORITHMS: optionalString.transform((value, context) => {
    const algorithms = (value ?? 'RS256')
      .split(',')
      .map((algorithm) => algorithm.trim())
      .filter(Boolean);
    const unsupported = algorithms.filter((algorithm) => !(oidcAlgorithms as readonly string[]).includes(algorithm));
    if (algorithms.length === 0 || unsupported.length > 0) {
      context.addIssue({
        code: 'custom',
        message:
          `must be a comma-separated list of ${oidcAlgorithms.join(', ')}` +
          (unsupported.length > 0 ? ` (not: ${unsupported.join(', ')})` : ''),
      });
      return z.NEVER;
    }
    return algorithms as OidcAlgorithm[];
  }),
  /** Claim holding the caller's tenant id (a tenant's uuid); a dotted path reads nested claims. @default tenant_id */
  AR_OIDC_TENANT_CLAIM: optionalString.transform((value) => value ?? 'tenant_id'),
  /**
   * Claim holding the caller's roles (an array; roles the runtime does not know are ignored);
   * a dotted path reads nested claims, e.g. Keycloak's `realm_access.roles`. @default roles
   */
  AR_OIDC_ROLES_CLAIM: optionalString.transform((value) => value ?? 'roles'),
  /**
   * Commands agent specs may start as stdio MCP servers, separated by commas and matched
   * exactly as a spec writes them (`/usr/bin/node,uvx`), or `*` for any command. A stdio
   * server runs with the API's and the worker's user and network access, so a tenant that
   * may name any command may run any code there: keep this empty on a shared deployment
   * (Streamable HTTP servers need no allow-list). Unset: empty (off), except in the embedded
   * runtime, where it is `*` (one user, one machine). See docs/agents.md.
   */
  AR_MCP_STDIO_COMMANDS: optionalString.transform((value) =>
    value === undefined
      ? undefined
      : value
          .split(',')
          .map((command) => command.trim())
          .filter((command) => command !== ''),
  ),
  /**
   * Who embeds memory items and search queries for the memory store's semantic search
   * (`/v1/store`, the `memory_search` tool): `openai-compatible` (any server with an
   * OpenAI-style `/embeddings` endpoint: Ollama, vLLM, llama.cpp, LM Studio; offline) or
   * `openai`. Unset: semantic search is off (puts with `index` and searches with `query` answer
   * 409 `semantic_search_unavailable`); the rest of the store works. See docs/memory.md.
   */
  AR_MEMORY_EMBEDDING_PROVIDER: optionalString.pipe(z.enum(['openai-compatible', 'openai']).optional()),
  /** The embedding model's id, e.g. `nomic-embed-text` or `text-embedding-3-small`; required with a provider. */
  AR_MEMORY_EMBEDDING_MODEL: optionalString,
  /**
   * Base URL of the embeddings API, up to the API version (`http://127.0.0.1:11434/v1` for
   * Ollama); required with `openai-compatible`. Unset with `openai`: OpenAI's public API.
   */
  AR_MEMORY_EMBEDDING_BASE_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  /** Sent as `Authorization: Bearer <key>` to the embeddings API. @default none */
  AR_MEMORY_EMBEDDING_API_KEY: optionalString,
  /**
   * How often each API process deletes memory items whose time to live has passed (they are
   * invisible from the moment they expire; this only frees their rows). @default 60
   */
  AR_MEMORY_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /**
   * Networks outgoing webhook requests may reach although they are not public (loopback,
   * private, link-local, …): CIDRs or single addresses, comma-separated, e.g.
   * `127.0.0.0/8,::1/128` for tests. Checked at registration and again at each delivery, on
   * the address connected to. @default none: public addresses only
   */
  AR_WEBHOOK_ALLOWED_NETWORKS: optionalString.transform((value, context): readonly string[] => {
    const networks = (value ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    for (const network of networks) {
      const [address = '', prefix] = network.split('/');
      const family = isIP(address);
      const maxPrefix = family === 4 ? 32 : 128;
      if (family === 0 || (prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= maxPrefix))) {
        context.addIssue({ code: 'custom', message: `not a CIDR or an IP address: ${network}` });
      }
    }
    return networks;
  }),
  /**
   * Waits before each retry of a failed webhook delivery, comma-separated durations (`ms`,
   * `s`, `m`, `h`, `d`): one attempt at once, then one after each wait. @default the
   * Standard Webhooks schedule `5s,5m,30m,2h,5h,10h,10h` (the last attempt about 27.6 hours in)
   */
  AR_WEBHOOK_RETRY_SCHEDULE: optionalString.transform((value, context): readonly number[] => {
    const delays = (value ?? '5s,5m,30m,2h,5h,10h,10h').split(',').map((entry) => parseDuration(entry.trim()));
    if (delays.some((delay) => delay === undefined) || delays.length > 50) {
      context.addIssue({ code: 'custom', message: 'comma-separated durations such as 5s,5m,2h (at most 50)' });
      return z.NEVER;
    }
    return delays as number[];
  }),
  /** Milliseconds a webhook request may take, connect to last byte. @default 15000 */
  AR_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /** Bytes of a receiver's answer read at most (the rest is dropped). @default 65536 */
  AR_WEBHOOK_MAX_RESPONSE_BYTES: z.coerce.number().int().min(0).max(10_485_760).default(65_536),
  /**
   * How often each API process looks for deliveries whose workflow has not started (the
   * outbox sweep): at most this long from an event to its first attempt. @default 250
   */
  AR_WEBHOOK_DISPATCH_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  /**
   * Where the LangGraph Agent Server API is served (docs/langgraph-api.md): a path prefix
   * such as `/lg`, under which LangGraph's SDK finds `/assistants`, `/threads`, `/runs`… @default /lg
   */
  AR_LANGGRAPH_API_PREFIX: z
    .string()
    .regex(/^(\/[A-Za-z0-9._~-]+)+$/, 'a path such as /lg')
    .default('/lg'),
  /** Concurrent activity executions per worker. @default 100 */
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).default(100),
  /**
   * Worker options for recovery from a dead worker: `fast` (ours, see `worker-tuning.ts` in
   * services/worker) or `default` (the Temporal SDK's own, for comparison). @default fast
   */
  WORKER_TUNING: z.enum(['fast', 'default']).default('fast'),
  /** Searched for the `temporal` CLI when `TEMPORAL_CLI_PATH` is unset. */
  PATH: z.string().default(''),
  /** pino level. @default info */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * OTLP/HTTP base URL for traces (`<url>/v1/traces`), e.g. LangFuse's `<langfuse>/api/public/otel`.
   * Tracing exports nothing while neither this nor `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  /** Full OTLP/HTTP traces URL, used as is; wins over `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  /**
   * Headers sent with every export, `key=value` pairs separated by commas, values
   * URL-encoded (e.g. `Authorization=Basic%20<base64 of publicKey:secretKey>` for LangFuse).
   */
  OTEL_EXPORTER_OTLP_HEADERS: optionalString.transform((value, context) => {
    const headers: Record<string, string> = {};
    for (const pair of value?.split(',') ?? []) {
      const separator = pair.indexOf('=');
      const key = pair.slice(0, separator).trim();
      if (separator < 1 || key === '') {
        context.addIssue({ code: 'custom', message: 'must be key=value pairs separated by commas' });
        return z.NEVER;
      }
      const raw = pair.slice(separator + 1).trim();
      try {
        headers[key] = decodeURIComponent(raw);
      } catch {
        headers[key] = raw; // not URL-encoded after all (a lone `%`): taken as written
      }
    }
    return headers;
  }),
  /** `service.name` of exported spans; else each process's own name (`agent-runtime-api`, …). */
  OTEL_SERVICE_NAME: optionalString,
  /**
   * Whether model spans carry prompts and completions (`gen_ai.input.messages`,
   * `gen_ai.output.messages`): `off` (none), `redacted` (roles and sizes, no text) or `full`.
   * Off by default: conversations may hold personal data and secrets. @default off
   */
  OTEL_GENAI_CAPTURE_CONTENT: z.enum(['off', 'redacted', 'full']).default('off'),
  /** Port of a worker process's Prometheus `/metrics`; unset serves none (the API serves its own). */
  WORKER_METRICS_PORT: optionalString
    .transform((value) => (value === undefined ? undefined : Number(value)))
    .pipe(z.number().int().min(0).max(65535).optional()),
});

/** Where the Temporal credentials contradict each other: a certificate without its key, two kinds at once, TLS off. */
function temporalCredentialIssues(
  config: z.output<typeof configSchema>,
): { readonly path: string[]; readonly message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  const hasCert = config.TEMPORAL_TLS_CLIENT_CERT_DATA !== undefined;
  const hasKey = config.TEMPORAL_TLS_CLIENT_KEY_DATA !== undefined;
  if (hasCert !== hasKey) {
    const missing = hasCert ? 'TEMPORAL_TLS_CLIENT_KEY_DATA' : 'TEMPORAL_TLS_CLIENT_CERT_DATA';
    issues.push({ path: [missing], message: 'the client certificate and its key must be set together' });
  }
  if (config.TEMPORAL_API_KEY !== undefined && (hasCert || hasKey)) {
    issues.push({ path: ['TEMPORAL_API_KEY'], message: 'set an API key or a client certificate, not both' });
  }
  if (config.TEMPORAL_TLS === false && (config.TEMPORAL_API_KEY !== undefined || hasCert || hasKey)) {
    issues.push({ path: ['TEMPORAL_TLS'], message: 'cannot be false with an API key or a client certificate' });
  }
  return issues;
}

/** Rules across variables, reported together with the schema's own. */
const checkedConfigSchema = configSchema.superRefine((config, context) => {
  if (config.AR_OIDC_JWKS_URL !== undefined && config.AR_OIDC_ISSUER === undefined) {
    context.addIssue({ code: 'custom', path: ['AR_OIDC_ISSUER'], message: 'must be set when AR_OIDC_JWKS_URL is' });
  }
  if (config.AR_MEMORY_EMBEDDING_PROVIDER !== undefined && config.AR_MEMORY_EMBEDDING_MODEL === undefined) {
    context.addIssue({
      code: 'custom',
      path: ['AR_MEMORY_EMBEDDING_MODEL'],
      message: 'must be set when AR_MEMORY_EMBEDDING_PROVIDER is',
    });
  }
  if (
    config.AR_MEMORY_EMBEDDING_PROVIDER === 'openai-compatible' &&
    config.AR_MEMORY_EMBEDDING_BASE_URL === undefined
  ) {
    context.addIssue({
      code: 'custom',
      path: ['AR_MEMORY_EMBEDDING_BASE_URL'],
      message: 'must be set when AR_MEMORY_EMBEDDING_PROVIDER=openai-compatible',
    });
  }
  if (config.AR_BLOB_STORE === 's3' && config.AR_S3_BUCKET === undefined) {
    context.addIssue({ code: 'custom', path: ['AR_S3_BUCKET'], message: 'must be set when AR_BLOB_STORE=s3' });
  }
  for (const issue of temporalCredentialIssues(config)) context.addIssue({ code: 'custom', ...issue });
  if (config.DATABASE_CA_FILE !== undefined && /[?&]sslmode=/.test(config.DATABASE_URL ?? '')) {
    context.addIssue({
      code: 'custom',
      path: ['DATABASE_CA_FILE'],
      message: 'verifies the server itself: leave sslmode out of DATABASE_URL when it is set',
    });
  }
});

/**
 * Every environment variable {@link loadConfig} reads, for checks of deployment manifests (a
 * name outside this list set on a runtime container is a typo or a leftover).
 */
export const configVariables: readonly string[] = Object.keys(configSchema.shape);

/** The parsed configuration; pass it down from each process's composition root. */
export type Config = Omit<z.output<typeof configSchema>, 'AR_S3_REGION'> & {
  /** `AR_S3_REGION`, else `AWS_REGION`, else us-east-1. */
  readonly AR_S3_REGION: string;
  /** `AR_DATA_DIR` made absolute. */
  readonly dataDir: string;
  /** `AR_BLOB_DIR` made absolute, or `blobs` under {@link Config.dataDir}. */
  readonly blobDir: string;
};

/** Raised at boot when the environment does not describe a valid configuration. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment once; throws a {@link ConfigError} listing every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = checkedConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
  }
  const dataDir = path.resolve(parsed.data.AR_DATA_DIR);
  const blobDir = path.resolve(parsed.data.AR_BLOB_DIR ?? path.join(dataDir, 'blobs'));
  const s3Region = parsed.data.AR_S3_REGION ?? parsed.data.AWS_REGION ?? 'us-east-1';
  return { ...parsed.data, AR_S3_REGION: s3Region, dataDir, blobDir };
}

/**
 * The API and worker run as separate processes only against shared backends: PGlite and
 * the embedded Temporal server live inside one process. Every process must also hold the
 * same master keys, so they come from the environment rather than a generated file.
 * Throws a {@link ConfigError} otherwise.
 */
export function requireSharedBackends(config: Config): Config & { DATABASE_URL: string; TEMPORAL_ADDRESS: string } {
  const missing = (['DATABASE_URL', 'TEMPORAL_ADDRESS'] as const).filter((name) => config[name] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(
      `${missing.join(' and ')} must be set to run the API and the worker as separate processes ` +
        '(for everything in one process on embedded defaults, run services/embedded)',
    );
  }
  if (config.AR_MASTER_KEYS.length === 0) {
    throw new ConfigError(
      'AR_MASTER_KEYS must be set to run the API and the worker as separate processes: every process ' +
        'needs the same master key to encrypt and decrypt tenant secrets. Generate one with ' +
        '`echo "key-1:$(openssl rand -base64 32)"` and keep it in your secret store (see docs/secrets.md)',
    );
  }
  return config as Config & { DATABASE_URL: string; TEMPORAL_ADDRESS: string };
}
