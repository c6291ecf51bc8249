import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig, requireSharedBackends } from '@agent-runtime/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * No Docker engine runs here, so the Compose files and the Dockerfile are checked statically:
 * references resolve, every variable given to the runtime is one it documents, and the
 * runtime's own configuration parser accepts what Compose passes it.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: string[] | Record<string, { condition: string }>;
  ports?: string[];
  restart?: string;
  healthcheck?: { test: string[] };
}
interface ComposeFile {
  services: Record<string, Service>;
}

const base = parse(read('docker/docker-compose.yml'), { merge: true }) as ComposeFile;
const langfuse = parse(read('docker/docker-compose.langfuse.yml'), { merge: true }) as ComposeFile;

/** Variables `.env.example` documents (set or commented out). */
const documented = new Set([...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]));
/** Standard variables read by the libraries the runtime uses, not by its own config. */
const standardPrefixes = ['AWS_', 'OTEL_'];

const dependencies = (service: Service) =>
  Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});

/** A service's dependencies with their conditions (a list's entries are `service_started`). */
const conditionsOf = (service: Service): Record<string, { condition: string }> =>
  Array.isArray(service.depends_on)
    ? Object.fromEntries(service.depends_on.map((name) => [name, { condition: 'service_started' }]))
    : (service.depends_on ?? {});

/** The overlay applied to the base the way Compose merges them (environment maps merge). */
function merged(): Record<string, Service> {
  const services: Record<string, Service> = structuredClone(base.services);
  for (const [name, overlay] of Object.entries(langfuse.services)) {
    const existing = services[name] ?? {};
    services[name] = {
      ...existing,
      ...overlay,
      environment: { ...existing.environment, ...overlay.environment },
      depends_on: { ...conditionsOf(existing), ...conditionsOf(overlay) },
    };
  }
  return services;
}

describe.each([
  ['docker-compose.yml', base.services],
  ['docker-compose.yml + docker-compose.langfuse.yml', merged()],
])('%s', (_name, services) => {
  it('depends only on services it defines', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const dependency of dependencies(service))
        expect(services, `${name} → ${dependency}`).toHaveProperty(dependency);
    }
  });

  it('gives the API and the workers only documented variables, which the runtime accepts', () => {
    for (const name of ['api', 'worker']) {
      const environment = services[name]?.environment ?? {};
      for (const variable of Object.keys(environment)) {
        const known = documented.has(variable) || standardPrefixes.some((prefix) => variable.startsWith(prefix));
        expect(known, `${name}: ${variable} is not in .env.example`).toBe(true);
      }
      expect(() => requireSharedBackends(loadConfig(environment))).not.toThrow();
    }
  });

  it('builds one image from the Dockerfile, which the API and the workers share, and runs entry points that exist', () => {
    expect(services['api']?.build?.dockerfile).toBe('docker/Dockerfile');
    expect(services['worker']?.build, 'the worker builds nothing').toBeUndefined();
    expect(services['worker']?.image).toBe(services['api']?.image);
    const built = Object.values(services).filter((service) => service.build !== undefined);
    expect(built).toHaveLength(1);
    for (const name of ['api', 'worker']) {
      const entry = services[name]?.command?.[1] ?? '';
      expect(existsSync(`${root}${entry}`), entry).toBe(true);
    }
  });

  it('gates every dependency on health or completion, and restarts what may lose a race', () => {
    const conditions = Object.entries(services).flatMap(([name, service]) =>
      Object.entries(conditionsOf(service)).map(([dependency, { condition }]) => ({ name, dependency, condition })),
    );
    const jobs = new Set(
      conditions.filter((edge) => edge.condition === 'service_completed_successfully').map((edge) => edge.dependency),
    );
    for (const { name, dependency, condition } of conditions) {
      const target = services[dependency];
      if (condition === 'service_healthy') expect(target?.healthcheck, `${name} → ${dependency}`).toBeDefined();
      // Started, not healthy: the Temporal server's image has no CLI to check it with (its
      // health is temporal-admin-tools'), and the API need not wait for LangFuse.
      if (condition === 'service_started') {
        expect(['temporal-admin-tools → temporal', 'api → langfuse-web']).toContain(`${name} → ${dependency}`);
      }
    }
    for (const [name, service] of Object.entries(services)) {
      expect(service.restart, name).toBe(jobs.has(name) ? 'on-failure' : 'unless-stopped');
    }
  });

  it('uses no image that is gone or deprecated (MinIO, Temporal auto-setup) and no tctl', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.image ?? '', name).not.toMatch(/^minio\/|temporalio\/auto-setup/);
      expect(JSON.stringify(service), name).not.toMatch(/\btctl\b/);
    }
  });
});

describe('the Kong gateway', () => {
  const kong = base.services['kong'];

  it('runs DB-less on gateway/kong.yml, mounted read-only where KONG_DECLARATIVE_CONFIG points', () => {
    expect(kong?.image).toMatch(/^kong:3\./);
    expect(kong?.environment?.['KONG_DATABASE']).toBe('off');
    const target = kong?.environment?.['KONG_DECLARATIVE_CONFIG'];
    expect(kong?.volumes).toContain(`../gateway/kong.yml:${target}:ro`);
    expect(existsSync(`${root}gateway/kong.yml`)).toBe(true);
  });

  it('takes the client address from X-Forwarded-For of trusted hops only (a load balancer in front)', () => {
    expect(kong?.environment?.['KONG_REAL_IP_HEADER']).toBe('X-Forwarded-For');
    expect(kong?.environment?.['KONG_REAL_IP_RECURSIVE']).toBe('on');
    const trusted = kong?.environment?.['KONG_TRUSTED_IPS']?.split(',') ?? [];
    expect(trusted.length).toBeGreaterThan(0);
    // Never everyone: a client could then name any address and slip past the per-IP limit.
    for (const range of trusted) expect(range).toMatch(/^(10\.|172\.16\.|192\.168\.)[\d.]+\/\d+$/);
  });

  it('starts once the API is healthy and publishes only its proxy port, no admin API', () => {
    expect(base.services['kong']?.depends_on).toEqual({ api: { condition: 'service_healthy' } });
    expect(kong?.environment?.['KONG_ADMIN_LISTEN']).toBe('off');
    expect(kong?.ports).toEqual([`127.0.0.1:8000:${kong?.environment?.['KONG_PROXY_LISTEN']?.split(':')[1]}`]);
  });
});

describe('the Keycloak service', () => {
  const keycloak = base.services['keycloak'];
  const api = base.services['api']?.environment ?? {};

  it('imports the realm of auth/ at start', () => {
    expect(keycloak?.command).toContain('--import-realm');
    const importMount = keycloak?.volumes?.find((volume) => volume.split(':')[1] === '/opt/keycloak/data/import');
    expect(importMount, 'a volume on /opt/keycloak/data/import').toBeDefined();
    const source = importMount?.split(':')[0] ?? '';
    // Relative sources resolve against the Compose file's directory (docker/).
    const realm = JSON.parse(read(`docker/${source}/realm-agent-runtime.json`)) as { realm: string };
    expect(realm.realm).toBe('agent-runtime');
    expect(keycloak?.image).toMatch(/^keycloak\/keycloak:26\./);
  });

  it("keeps its data on a volume over the image's whole data directory, which its non-root user owns", () => {
    // A volume on a directory the image lacks (data/h2) is created root-owned: Keycloak could
    // not write its database there and restarted forever.
    expect(keycloak?.volumes).toContain('keycloak-data:/opt/keycloak/data');
  });

  it('gives the API the realm as issuer, with keys fetched over the Compose network', () => {
    expect(api['AR_OIDC_ISSUER']).toBe(`${keycloak?.environment?.['KC_HOSTNAME']}/realms/agent-runtime`);
    expect(api['AR_OIDC_JWKS_URL']).toBe('http://keycloak:8080/realms/agent-runtime/protocol/openid-connect/certs');
    const config = loadConfig(api);
    expect(config.AR_OIDC_AUDIENCE).toBe('agent-runtime-api');
  });
});

describe('Temporal', () => {
  const runtime = loadConfig(base.services['api']?.environment ?? {});
  const image = (name: string) => base.services[name]?.image ?? '';

  it('runs the server and its admin tools at one release, the schema set up by a job before the server starts', () => {
    const version = /^temporalio\/server:(\d+\.\d+\.\d+)$/.exec(image('temporal'))?.[1];
    expect(version).toBeDefined();
    for (const name of ['temporal-schema', 'temporal-admin-tools', 'temporal-namespace'])
      expect(image(name)).toBe(`temporalio/admin-tools:${version}`);
    expect(base.services['temporal']?.depends_on).toEqual({
      'temporal-schema': { condition: 'service_completed_successfully' },
    });
    const script = base.services['temporal-schema']?.command?.join('\n') ?? '';
    for (const database of ['temporal', 'temporal_visibility']) {
      expect(script).toContain(`temporal-sql-tool --db ${database} setup-schema`);
      expect(script).toContain(`temporal-sql-tool --db ${database} update-schema`);
    }
    expect(image('temporal-ui')).toMatch(/^temporalio\/ui:2\.\d+\.\d+$/);
  });

  it("checks the server's health with the temporal CLI, and creates the runtime's namespace before the API starts", () => {
    expect(base.services['temporal-admin-tools']?.healthcheck?.test).toEqual([
      'CMD',
      'temporal',
      'operator',
      'cluster',
      'health',
    ]);
    const namespaceJob = base.services['temporal-namespace'];
    expect(namespaceJob?.environment?.['TEMPORAL_NAMESPACE']).toBe(runtime.TEMPORAL_NAMESPACE);
    expect(namespaceJob?.environment?.['TEMPORAL_ADDRESS']).toBe(runtime.TEMPORAL_ADDRESS);
    expect(namespaceJob?.command?.join(' ')).toMatch(/temporal operator namespace create/);
    expect(base.services['api']?.depends_on).toMatchObject({
      'temporal-namespace': { condition: 'service_completed_successfully' },
    });
    expect(runtime.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });
});

describe('the S3 server', () => {
  const runtime = base.services['api']?.environment ?? {};
  const config = loadConfig(runtime);

  it("is the `s3` service, with the runtime's keys, and a job creates the runtime's bucket", () => {
    expect(new URL(config.AR_S3_ENDPOINT ?? '').hostname).toBe('s3');
    const s3 = base.services['s3'];
    expect(s3?.image).toMatch(/^rclone\/rclone:\d+\.\d+\.\d+$/);
    expect(s3?.command?.slice(0, 2)).toEqual(['serve', 's3']);
    const authKey = s3?.command?.[s3.command.indexOf('--auth-key') + 1];
    expect(authKey).toBe(`${runtime['AWS_ACCESS_KEY_ID']},${runtime['AWS_SECRET_ACCESS_KEY']}`);
    const setup = base.services['s3-setup'];
    expect(setup?.command).toEqual(['mkdir', `store:${config.AR_S3_BUCKET}`]);
    expect(setup?.environment).toMatchObject({
      RCLONE_CONFIG_STORE_ENDPOINT: config.AR_S3_ENDPOINT,
      RCLONE_CONFIG_STORE_ACCESS_KEY_ID: runtime['AWS_ACCESS_KEY_ID'],
      RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY: runtime['AWS_SECRET_ACCESS_KEY'],
    });
    expect(config.AR_S3_FORCE_PATH_STYLE).toBe(true);
    // AR_S3_REGION is left to default to AWS_REGION.
    expect(runtime['AR_S3_REGION']).toBeUndefined();
    expect(config.AR_S3_REGION).toBe(runtime['AWS_REGION']);
  });
});

describe('the LangFuse overlay', () => {
  it('runs LangFuse 3 on the ClickHouse it needs (24.3 or newer), its bucket made in the S3 server', () => {
    expect(langfuse.services['langfuse-web']?.image).toBe('langfuse/langfuse:3');
    expect(langfuse.services['langfuse-worker']?.image).toBe('langfuse/langfuse-worker:3');
    const [major = 0, minor = 0] = (
      /clickhouse-server:(\d+)\.(\d+)/.exec(langfuse.services['clickhouse']?.image ?? '') ?? []
    )
      .slice(1)
      .map(Number);
    expect(major * 100 + minor).toBeGreaterThanOrEqual(2403);
    expect(langfuse.services['langfuse-bucket-setup']?.command).toEqual(['mkdir', 'store:langfuse']);
    expect(langfuse.services['langfuse-web']?.environment?.['LANGFUSE_S3_EVENT_UPLOAD_ENDPOINT']).toBe(
      base.services['api']?.environment?.['AR_S3_ENDPOINT'],
    );
  });
});

describe('the Dockerfile', () => {
  it('installs every npm workspace', () => {
    const dockerfile = read('docker/Dockerfile');
    const workspaces = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces;
    for (const workspace of workspaces) expect(dockerfile).toContain(`COPY ${workspace}/package.json ${workspace}/`);
  });

  it('keeps LangFuse from phoning home', () => {
    expect(langfuse.services['langfuse-web']?.environment?.['TELEMETRY_ENABLED']).toBe('false');
  });
});
