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
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: string[] | Record<string, { condition: string }>;
  ports?: string[];
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

/** The overlay applied to the base the way Compose merges them (environment maps merge). */
function merged(): Record<string, Service> {
  const services: Record<string, Service> = structuredClone(base.services);
  for (const [name, overlay] of Object.entries(langfuse.services)) {
    const existing = services[name] ?? {};
    services[name] = {
      ...existing,
      ...overlay,
      environment: { ...existing.environment, ...overlay.environment },
      depends_on: [...dependencies(existing), ...dependencies(overlay)],
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

  it('builds from the Dockerfile and runs entry points that exist', () => {
    for (const name of ['api', 'worker']) {
      const service = services[name];
      expect(service?.build?.dockerfile).toBe('docker/Dockerfile');
      const entry = service?.command?.[1] ?? '';
      expect(existsSync(`${root}${entry}`), entry).toBe(true);
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

  it('gives the API the realm as issuer, with keys fetched over the Compose network', () => {
    expect(api['AR_OIDC_ISSUER']).toBe(`${keycloak?.environment?.['KC_HOSTNAME']}/realms/agent-runtime`);
    expect(api['AR_OIDC_JWKS_URL']).toBe('http://keycloak:8080/realms/agent-runtime/protocol/openid-connect/certs');
    const config = loadConfig(api);
    expect(config.AR_OIDC_AUDIENCE).toBe('agent-runtime-api');
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
