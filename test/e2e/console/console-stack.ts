import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateApiKey } from '@agent-runtime/core';
import { AgentRuntimeClient, type AgentSpecInput } from '@agent-runtime/sdk';
import {
  freePort,
  startEmbeddedProcess,
  startKeycloak,
  startOpenAiCompatibleServer,
  stopProcess,
  type KeycloakServer,
  type OpenAiCompatibleServer,
} from '@agent-runtime/test-harness';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** The Chromium `ensure_chromium` in scripts/lib.sh found or installed (Playwright cannot download one here). */
export const chromiumPath = process.env['AR_CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Hosts a page of the console may reach: this machine only. */
const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The one-command runtime (with OIDC through a real Keycloak), a model server, and Chromium. */
export interface ConsoleStack {
  /** Base URL of the API, which serves the console at `/console`. */
  readonly url: string;
  /** The bootstrap key: platform admin, tenant admin and developer of the default tenant. */
  readonly apiKey: string;
  /** A key of the same tenant holding only `viewer`. */
  readonly viewerKey: string;
  /** A client with the admin key, to arrange and check what the pages did. */
  readonly admin: AgentRuntimeClient;
  readonly model: OpenAiCompatibleServer;
  readonly keycloak: KeycloakServer;
  readonly browser: Browser;
  /** Every request a page attempted to a host other than loopback (each was aborted). */
  readonly offsite: string[];
  /** A fresh browser context (own storage) whose non-loopback requests are recorded and aborted. */
  newPage(options?: { readonly width?: number; readonly colorScheme?: 'light' | 'dark' }): Promise<Page>;
  stop(): Promise<void>;
}

/** Starts Keycloak, the embedded runtime accepting its tokens, a model server and a headless Chromium. */
export async function startConsoleStack(): Promise<ConsoleStack> {
  const apiKey = generateApiKey();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-console-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const keycloakPort = await freePort();
  const issuer = `http://127.0.0.1:${keycloakPort}/realms/agent-runtime`;
  const model = await startOpenAiCompatibleServer();
  const [keycloak, child] = await Promise.all([
    startKeycloak({ port: keycloakPort }),
    startEmbeddedProcess(url, {
      ...process.env,
      AR_DATA_DIR: dataDir,
      PORT: String(port),
      TEMPORAL_DEV_PORT: String(await freePort()),
      AR_BOOTSTRAP_API_KEY: apiKey,
      AR_TENANT_RATE_LIMIT: '0',
      AR_OIDC_ISSUER: issuer,
      // The webhook receiver of the tests listens on loopback, which deliveries refuse by default.
      AR_WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
      AR_WEBHOOK_DISPATCH_INTERVAL_MS: '100',
      LOG_LEVEL: 'warn',
    }),
  ]);
  const admin = new AgentRuntimeClient({ baseUrl: url, apiKey });
  const viewer = await admin.apiKeys.create({ name: 'console viewer', roles: ['viewer'] });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  const contexts: BrowserContext[] = [];
  const offsite: string[] = [];
  return {
    url,
    apiKey,
    viewerKey: viewer.key,
    admin,
    model,
    keycloak,
    browser,
    offsite,
    async newPage(options = {}) {
      const context = await browser.newContext({
        viewport: { width: options.width ?? 1280, height: 900 },
        colorScheme: options.colorScheme ?? 'light',
        acceptDownloads: true,
      });
      contexts.push(context);
      await context.route('**/*', async (route) => {
        const requested = new URL(route.request().url());
        if (loopbackHosts.has(requested.hostname)) return route.continue();
        offsite.push(requested.toString());
        return route.abort('blockedbyclient');
      });
      return context.newPage();
    },
    async stop() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await stopProcess(child);
      await keycloak.stop();
      await model.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates an agent with one version of `spec`; answers its id. */
export async function createAgent(client: AgentRuntimeClient, name: string, spec: unknown): Promise<string> {
  const agent = await client.agents.create({ name: `${name}-${Math.random().toString(36).slice(2, 8)}` });
  await client.versions.create(agent.id, spec as AgentSpecInput);
  return agent.id;
}

/** Signs in on the console's sign-in page with an API key and waits for the runs page. */
export async function signInWithKey(page: Page, stack: ConsoleStack, key: string): Promise<void> {
  await page.goto(`${stack.url}/console/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in with the key' }).click();
  await page.getByRole('heading', { name: 'Runs', level: 1 }).waitFor();
}
