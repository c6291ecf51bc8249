import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateApiKey, generateMasterKeyEntry, loadConfig } from '@agent-runtime/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, inRepo, outputOf, runTool } from './deploy-tools.ts';
import { roleOfCommand, runtimeEnvironmentProblems, type RuntimeRole } from './runtime-environment.ts';

interface ContainerEnvironment {
  readonly environment: readonly { name: string; value: string }[];
  readonly secrets: readonly { name: string; valueFrom: string }[];
}

const pem = (kind: string) => `-----BEGIN ${kind}-----\nMIIB\n-----END ${kind}-----`;
/** What Secrets Manager would inject, by variable: sample values of the right shape. */
const sampleSecrets: Record<string, string> = {
  DATABASE_PASSWORD: 'sample-password',
  AR_MASTER_KEYS: generateMasterKeyEntry('sample'),
  AR_BOOTSTRAP_API_KEY: generateApiKey(),
  TEMPORAL_API_KEY: 'sample-api-key',
  TEMPORAL_TLS_CLIENT_CERT_DATA: pem('CERTIFICATE'),
  TEMPORAL_TLS_CLIENT_KEY_DATA: pem('PRIVATE KEY'),
};
const arn = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:agent-runtime-test/${name}-AbCdEf`;

/** A root module that calls infra/aws/modules/runtime-env as the platform does, once per Temporal auth. */
function rootModule(moduleSource: string): string {
  const call = (name: string, temporalSecrets: string) => `
module "${name}" {
  source                       = "${moduleSource}"
  database_url                 = "postgres://agent_runtime@agent-runtime-test.abc.eu-west-1.rds.amazonaws.com:5432/agent_runtime"
  database_password_secret_arn = "${arn('database-password')}"
  redis_url                    = "rediss://master.agent-runtime-test.abc.euw1.cache.amazonaws.com:6379"
  blob_bucket                  = "agent-runtime-test-blobs"
  region                       = "eu-west-1"
  temporal_address             = "eu-west-1.aws.api.temporal.io:7233"
  temporal_namespace           = "agent-runtime.a1b2c"
  temporal_secret_arns         = ${temporalSecrets}
  master_keys_secret_arn       = "${arn('master-keys')}"
  bootstrap_api_key_secret_arn = "${arn('bootstrap-api-key')}"
  oidc_issuer                  = "https://auth.example.com/realms/agent-runtime"
  oidc_jwks_url                = "http://keycloak:8080/realms/agent-runtime/protocol/openid-connect/certs"
}
output "${name}" {
  value = { api = module.${name}.api, worker = module.${name}.worker, migrate = module.${name}.migrate }
}`;
  return [
    call('api_key', `{ TEMPORAL_API_KEY = "${arn('temporal-api-key')}" }`),
    call(
      'mtls',
      `{ TEMPORAL_TLS_CLIENT_CERT_DATA = "${arn('temporal-client-cert')}", TEMPORAL_TLS_CLIENT_KEY_DATA = "${arn('temporal-client-key')}" }`,
    ),
    call('self_hosted', '{}'),
  ].join('\n');
}

/** The environment of each runtime container as the ECS task definitions get it: the module applied with OpenTofu. */
async function ecsEnvironments(): Promise<Record<string, Record<RuntimeRole, ContainerEnvironment>>> {
  const root = await mkdtemp(path.join(tmpdir(), 'runtime-env-'));
  try {
    await writeFile(
      path.join(root, 'main.tf'),
      rootModule(path.relative(root, inRepo('infra/aws/modules/runtime-env'))),
    );
    const env = { TF_DATA_DIR: path.join(root, '.terraform'), TF_IN_AUTOMATION: '1' };
    for (const args of [
      ['init', '-input=false'],
      ['apply', '-auto-approve', '-input=false'],
    ]) {
      const run = await runTool('tofu', [`-chdir=${root}`, ...args, '-no-color'], { env });
      if (run.code !== 0) throw new Error(`tofu ${args[0]} failed:\n${outputOf(run)}`);
    }
    const output = await runTool('tofu', [`-chdir=${root}`, 'output', '-json'], { env });
    const outputs = JSON.parse(output.stdout) as Record<string, { value: Record<RuntimeRole, ContainerEnvironment> }>;
    return Object.fromEntries(Object.entries(outputs).map(([name, { value }]) => [name, value]));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Environment and secrets as the process sees them (secrets with sample values). */
function processEnvironment({ environment, secrets }: ContainerEnvironment): Record<string, string> {
  const values = Object.fromEntries(environment.map(({ name, value }) => [name, value]));
  for (const { name } of secrets) values[name] = sampleSecrets[name] ?? `unknown secret ${name}`;
  return values;
}

/** The runtime containers of Compose files as compose-go resolves them, by service. */
async function composeEnvironments(files: string[]): Promise<[string, RuntimeRole, Record<string, string>][]> {
  const run = await runTool('compose-config', files);
  if (run.code !== 0) throw new Error(outputOf(run));
  const project = JSON.parse(run.stdout) as {
    services: Record<string, { command?: string[] | null; environment?: Record<string, string | null> }>;
  };
  return Object.entries(project.services).flatMap(([name, service]) => {
    const role = roleOfCommand(service.command);
    if (role === undefined) return [];
    const environment = Object.fromEntries(
      Object.entries(service.environment ?? {}).map(([key, value]) => [key, value ?? '']),
    );
    return [[name, role, environment] as [string, RuntimeRole, Record<string, string>]];
  });
}

/**
 * Every variable a deployment sets on a runtime container is one packages/core/src/config.ts
 * reads, and every one the process requires is set: the ECS task definitions (through the
 * runtime-env module that builds their environment) and the Compose services.
 */
describe('environment of the runtime containers', () => {
  let ecs: Record<string, Record<RuntimeRole, ContainerEnvironment>>;
  beforeAll(async () => {
    ecs = await ecsEnvironments();
  });

  it('on ECS: known names only, every requirement met, for each kind of Temporal connection', () => {
    expect(Object.keys(ecs).sort()).toEqual(['api_key', 'mtls', 'self_hosted']);
    for (const [variant, roles] of Object.entries(ecs)) {
      for (const role of ['api', 'worker', 'migrate'] as const) {
        const container = roles[role];
        expect(container.environment.length, `${variant} ${role}`).toBeGreaterThan(0);
        expect(runtimeEnvironmentProblems(role, processEnvironment(container)), `${variant} ${role}`).toEqual([]);
        // Secrets come from Secrets Manager only, and never also as plain values.
        const plain = new Set(container.environment.map(({ name }) => name));
        for (const secret of container.secrets) {
          expect(secret.valueFrom).toMatch(/^arn:aws:secretsmanager:/);
          expect(plain.has(secret.name), `${secret.name} set twice`).toBe(false);
        }
      }
    }
  });

  it('on ECS: the API and workers leave migrating to the migrate task, and connect as the credentials say', () => {
    for (const role of ['api', 'worker'] as const) {
      const apiKey = loadConfig(processEnvironment(ecs['api_key']![role]));
      expect(apiKey).toMatchObject({ AR_MIGRATE_ON_START: false, TEMPORAL_API_KEY: 'sample-api-key' });
      expect(apiKey.DATABASE_CA_FILE).toBe('/etc/ssl/certs/rds-ca-bundle.pem');
      expect(loadConfig(processEnvironment(ecs['mtls']![role])).TEMPORAL_TLS_CLIENT_CERT_DATA).toBe(pem('CERTIFICATE'));
    }
    const migrate = ecs['api_key']!.migrate;
    expect(migrate.secrets.map(({ name }) => name)).toEqual(['DATABASE_PASSWORD']);
  });

  it('in Compose: known names only, every requirement met', async () => {
    const files = [inRepo('docker/docker-compose.yml'), inRepo('docker/docker-compose.langfuse.yml')];
    for (const set of [files.slice(0, 1), files]) {
      const containers = await composeEnvironments(set);
      expect(containers.map(([, role]) => role)).toEqual(expect.arrayContaining(['api', 'worker']));
      for (const [service, role, environment] of containers) {
        expect(runtimeEnvironmentProblems(role, environment), `${service} (${role})`).toEqual([]);
      }
    }
  });

  it('refuses a container given an unknown name and lacking a required one', async () => {
    const containers = await composeEnvironments([fixture('compose/unknown-variable.yml')]);
    expect(containers.map(([service, role]) => `${service} ${role}`)).toEqual(['api api']);
    const [, role, environment] = containers[0]!;
    const problems = runtimeEnvironmentProblems(role, environment);
    expect(problems).toContain('DATABASE_URI is not a variable packages/core/src/config.ts reads');
    expect(problems.join('\n')).toMatch(/DATABASE_URL and TEMPORAL_ADDRESS must be set/);
  });
});
