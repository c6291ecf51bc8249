import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { waitUntil } from '@agent-runtime/test-harness';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, signInWithKey, startConsoleStack, type ConsoleStack } from './console-stack.ts';
import { WebhookReceiver } from '../webhooks/webhook-receiver.ts';
import { takeScreenshot } from './screenshots.ts';

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serious and critical axe-core violations of the page as it is now: rule id and the first element. */
async function accessibilityViolations(page: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol: the console's CSP forbids inline scripts, rightly.
  await page.evaluate(await axeSource);
  // A string, evaluated in the page: the test's own TypeScript has no DOM types.
  const violations = await page.evaluate<{ id: string; impact: string | null; target: string }[]>(
    `axe.run().then((result) => result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      target: JSON.stringify(violation.nodes[0] && violation.nodes[0].target),
    })))`,
  );
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} at ${violation.target}`);
}

const approvalSpec = {
  model: {
    provider: 'scripted',
    replies: [
      { text: 'May I send the payment?', toolCalls: [{ id: 'pay', name: 'echo', arguments: { amount: 10 } }] },
      { text: 'Paid.' },
    ],
  },
  tools: [{ name: 'echo', requiresApproval: true }],
};

/**
 * The web console in Chromium against the one-command runtime: one runtime, one Keycloak and
 * one browser for every test here. Every page's requests to hosts other than loopback are
 * aborted and recorded; the last test asserts there were none.
 */
describe('the web console', () => {
  let stack: ConsoleStack | undefined;
  const current = () => {
    if (!stack) throw new Error('the stack did not start');
    return stack;
  };
  beforeAll(async () => {
    stack = await startConsoleStack();
  }, 300_000);
  afterAll(async () => stack?.stop(), 60_000);

  it('is served by the API under a strict Content-Security-Policy, with fingerprinted assets', async () => {
    const { url } = current();
    const page = await fetch(`${url}/console/`);
    expect(page.status).toBe(200);
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|https:|\*/);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((match) => match[1] ?? '');
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      expect(asset).toMatch(/-[\w-]{8}\.(js|css)$/);
      const answer = await fetch(`${url}${asset}`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toContain('immutable');
    }
    expect((await fetch(`${url}/console/assets/gone-12345678.js`)).status).toBe(404);
    expect((await fetch(`${url}/console/session`)).status).toBe(401);
  });

  it('signs in with an API key and counts runs by state', async () => {
    const stack = current();
    const page = await stack.newPage();
    await signInWithKey(page, stack, stack.apiKey);
    expect(await page.getByRole('list', { name: 'Runs by state' }).getByRole('listitem').count()).toBe(7);
    expect(
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'API keys' }).count(),
    ).toBe(1);
    await page.reload();
    // The credential lasts for the tab's session: a reload stays signed in.
    await page.getByRole('heading', { name: 'Runs', level: 1 }).waitFor();
  });

  it('shows a run that waits for approval appear live, approves it in the page and watches it succeed', async () => {
    const stack = current();
    const agentId = await createAgent(stack.admin, 'console-approve', approvalSpec);
    const page = await stack.newPage();
    await signInWithKey(page, stack, stack.apiKey);
    const { run } = await stack.admin.runs.create({ agentId, input: 'pay the invoice' });
    const row = page.locator(`tr[data-run-id="${run.id}"]`);
    await row.getByText('waiting').waitFor({ timeout: 30_000 });
    await row.getByRole('link').click();
    await page.getByRole('heading', { name: 'Waiting for approval' }).waitFor({ timeout: 30_000 });
    await page.getByText('May I send the payment?', { exact: true }).waitFor();
    await page.getByLabel('Comment').fill('within budget');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.locator('h1 .badge-succeeded').waitFor({ timeout: 30_000 });
    await page.getByText('Paid.', { exact: true }).waitFor();
    const events = await stack.admin.events.list(run.id).toArray();
    const decided = events.find((event) => event.type === 'approval.decided');
    expect(decided?.data).toMatchObject({ decision: 'approve', comment: 'within budget' });
    await takeScreenshot(page, 'run');
  });

  it('starts a run from the agent page and cancels it while it runs', async () => {
    const stack = current();
    const agentId = await createAgent(stack.admin, 'console-sleepy', {
      model: { provider: 'scripted', replies: [{ toolCalls: [{ name: 'sleep', arguments: { seconds: 60 } }] }, {}] },
      tools: [{ name: 'sleep' }],
    });
    const page = await stack.newPage();
    await signInWithKey(page, stack, stack.apiKey);
    await page.goto(`${stack.url}/console/agents/${agentId}`);
    await page.getByLabel('Input (text, or a JSON object)').fill('{"task": "nap"}');
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\/console\/runs\/[0-9a-f-]+$/);
    const runId = page.url().split('/').at(-1) ?? '';
    expect((await stack.admin.runs.get(runId)).input).toEqual({ task: 'nap' });
    await page.locator('h1 .badge-running').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.locator('h1 .badge-cancelled').waitFor({ timeout: 30_000 });
    expect((await stack.admin.runs.get(runId)).status).toBe('cancelled');
  });

  it('previews and downloads an artifact', async () => {
    const stack = current();
    const content = JSON.stringify({ total: 42, currency: 'EUR' });
    const agentId = await createAgent(stack.admin, 'console-artifact', {
      model: {
        provider: 'scripted',
        replies: [
          {
            toolCalls: [
              {
                name: 'write_artifact',
                arguments: { name: 'report.json', content, contentType: 'application/json' },
              },
            ],
          },
          { text: 'Report written.' },
        ],
      },
      tools: [{ name: 'write_artifact' }],
    });
    const { run } = await stack.admin.runs.create({ agentId, input: 'write the report' });
    expect((await stack.admin.runs.wait(run.id, { timeoutMs: 30_000 })).status).toBe('succeeded');
    const page = await stack.newPage();
    await signInWithKey(page, stack, stack.apiKey);
    await page.goto(`${stack.url}/console/runs/${run.id}`);
    await page.getByText('report.json', { exact: true }).click();
    await page.getByLabel('Content of report.json').getByText('"currency": "EUR"').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download report.json' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('report.json');
    expect(await readFile(await download.path(), 'utf8')).toBe(content);
  });

  it('chats two turns on a thread, the replies streaming in', async () => {
    const stack = current();
    await createAgent(stack.admin, 'console-chat', {
      model: { provider: 'openai-compatible', baseUrl: stack.model.baseUrl, model: 'test-model' },
      tools: [],
    });
    const page = await stack.newPage();
    await signInWithKey(page, stack, stack.apiKey);
    await page.getByRole('link', { name: 'Threads' }).click();
    await page.getByRole('button', { name: 'New thread' }).click();
    await page.getByRole('heading', { name: /^Thread / }).waitFor();
    const agent = page.getByLabel('Agent');
    const option = await agent.locator('option', { hasText: 'console-chat' }).first().getAttribute('value');
    await agent.selectOption(option ?? '');
    stack.model.enqueue(
      { kind: 'reply', text: 'Hello! How can I help you today?', chunkSize: 3, chunkDelayMs: 40 },
      { kind: 'reply', text: 'Paris is the capital of France.', chunkSize: 3, chunkDelayMs: 40 },
    );
    await page.getByLabel('Message', { exact: true }).fill('Hi there');
    await page.getByRole('button', { name: 'Send' }).click();
    // The reply streams in before the turn ends and its messages join the thread.
    await page.locator('.bubble.streaming').waitFor({ timeout: 30_000 });
    await page.locator('.bubble-assistant:not(.streaming)', { hasText: 'How can I help you today?' }).waitFor({
      timeout: 30_000,
    });
    await waitUntil(
      'the thread to be idle',
      async () => !(await page.getByRole('button', { name: 'Send' }).isDisabled()),
      30_000,
    );
    await page.getByLabel('Message', { exact: true }).fill('What is the capital of France?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.bubble-assistant:not(.streaming)', { hasText: 'Paris is the capital of France.' }).waitFor({
      timeout: 30_000,
    });
    expect(await page.locator('.chat .bubble-user').allTextContents()).toEqual([
      expect.stringContaining('Hi there'),
      expect.stringContaining('What is the capital of France?'),
    ]);
    await takeScreenshot(page, 'thread');
    // A fork from the first reply: a new thread holding the first turn only.
    const source = page.url();
    await page.getByRole('button', { name: 'Fork from here (message 2)' }).click();
    await page.getByText(/^Forked from/).waitFor();
    expect(page.url()).not.toBe(source);
    await page.locator('.chat .bubble-assistant').first().waitFor();
    expect(await page.locator('.chat .bubble').allTextContents()).toEqual([
      expect.stringContaining('Hi there'),
      expect.stringContaining('How can I help you today?'),
    ]);
  });

  it("shows a webhook endpoint with its delivery after a run, and the run's tokens on the usage page", async () => {
    const stack = current();
    const receiver = new WebhookReceiver();
    await receiver.listen();
    try {
      const webhook = await stack.admin.webhooks.create({
        url: receiver.url,
        description: 'console test receiver',
        enabled: true,
        eventTypes: ['run.succeeded'],
      });
      receiver.secrets.push(webhook.secret);
      const agentId = await createAgent(stack.admin, 'console-usage', {
        model: { provider: 'openai-compatible', baseUrl: stack.model.baseUrl, model: 'test-model' },
        tools: [],
      });
      stack.model.enqueue({ kind: 'reply', text: 'Counted.', usage: { prompt: 1234, completion: 56 } });
      const { run } = await stack.admin.runs.create({ agentId, input: 'count my tokens' });
      expect((await stack.admin.runs.wait(run.id, { timeoutMs: 30_000 })).status).toBe('succeeded');

      const page = await stack.newPage();
      await signInWithKey(page, stack, stack.apiKey);
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Webhooks' }).click();
      await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
      await page.getByRole('cell', { name: /console test receiver/ }).waitFor();
      const delivery = page.locator('tr[data-testid="delivery"]', { hasText: run.id.slice(-8) });
      await delivery.locator('.badge-succeeded').waitFor({ timeout: 30_000 });
      expect(await delivery.textContent()).toMatch(/run\.succeeded.*#1: 204/);
      expect(await delivery.getByRole('button', { name: /Redeliver/ }).count()).toBe(1);

      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Usage' }).click();
      await page.getByRole('heading', { name: 'Usage', level: 1 }).waitFor();
      const row = page.getByRole('row', { name: /console-usage/ });
      await row.waitFor({ timeout: 30_000 });
      // Input, output and total tokens (after runs and steps).
      expect((await row.getByRole('cell').allTextContents()).slice(2, 5)).toEqual(['1234', '56', '1290']);
      await page.getByLabel('Group by').selectOption('model');
      await page.getByRole('row', { name: /openai-compatible\/test-model/ }).waitFor();
      expect(
        Number(await page.getByTestId('usage-total').getByRole('cell').nth(2).textContent()),
      ).toBeGreaterThanOrEqual(1234);
      expect(receiver.received.some((item) => item.payload.data.runId === run.id && item.status === 204)).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it('offers a viewer no write action', async () => {
    const stack = current();
    const agentId = await createAgent(stack.admin, 'console-viewer', approvalSpec);
    const { run } = await stack.admin.runs.create({ agentId, input: 'pay' });
    await waitUntil('the run to wait', async () => (await stack.admin.runs.get(run.id)).status === 'waiting', 30_000);
    const page = await stack.newPage();
    await signInWithKey(page, stack, stack.viewerKey);
    const nav = page.getByRole('navigation', { name: 'Console' });
    expect(await nav.getByRole('link', { name: 'API keys' }).count()).toBe(0);
    await page.goto(`${stack.url}/console/runs/${run.id}`);
    await page.getByRole('heading', { name: 'Waiting for approval' }).waitFor({ timeout: 30_000 });
    const writeButtons = /approve|reject|cancel run|send|start run|new thread|fork|redeliver/i;
    expect(await page.getByRole('button', { name: writeButtons }).count()).toBe(0);
    await page.goto(`${stack.url}/console/agents/${agentId}`);
    await page.getByRole('heading', { name: 'Versions' }).waitFor();
    expect(await page.getByRole('button', { name: writeButtons }).count()).toBe(0);
    await page.goto(`${stack.url}/console/threads`);
    await page.getByRole('heading', { name: 'Threads', level: 1 }).waitFor();
    expect(await page.getByRole('button', { name: writeButtons }).count()).toBe(0);
    await page.goto(`${stack.url}/console/approvals`);
    await page.getByRole('heading', { name: `Run ${run.id.slice(-8)}` }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('button', { name: writeButtons }).count()).toBe(0);
    await page.goto(`${stack.url}/console/webhooks`);
    await page.locator('tr[data-testid="delivery"]').first().waitFor({ timeout: 30_000 });
    expect(await page.getByRole('button', { name: writeButtons }).count()).toBe(0);
    await stack.admin.runs.cancel(run.id);
  });

  it('signs in through Keycloak with the authorization code and PKCE', async () => {
    const stack = current();
    const { keycloak } = stack;
    const adminApi = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${keycloak.url}/admin/realms/agent-runtime${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await keycloak.adminToken()}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response;
    };
    // The realm lists the console's usual origins (port 8080); this runtime listens elsewhere.
    const [client] = (await (await adminApi('GET', '/clients?clientId=agent-runtime-web')).json()) as {
      id: string;
      redirectUris: string[];
    }[];
    await adminApi('PUT', `/clients/${client?.id}`, {
      ...client,
      redirectUris: [...(client?.redirectUris ?? []), `${stack.url}/*`],
    });
    // The realm's developer belongs to the runtime's default tenant.
    const [tenant] = await stack.admin.tenants.list().toArray(1);
    const [developer] = (await (await adminApi('GET', '/users?exact=true&username=developer')).json()) as {
      id: string;
    }[];
    const user = (await (await adminApi('GET', `/users/${developer?.id}`)).json()) as Record<string, unknown>;
    await adminApi('PUT', `/users/${developer?.id}`, { ...user, attributes: { tenant_id: [tenant?.id ?? ''] } });

    const page = await stack.newPage();
    const authorizeRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/protocol/openid-connect/auth')) authorizeRequests.push(request.url());
    });
    await page.goto(`${stack.url}/console/`);
    await page.getByRole('button', { name: 'Sign in with Keycloak' }).click();
    await page.locator('#username').fill('developer');
    await page.locator('#password').fill('dev-only-developer');
    await page.locator('#kc-login').click();
    await page.getByRole('heading', { name: 'Runs', level: 1 }).waitFor({ timeout: 30_000 });
    expect(page.url()).toBe(`${stack.url}/console/`);
    const authorize = new URL(authorizeRequests[0] ?? 'http://invalid');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('client_id')).toBe('agent-runtime-web');
    await page.getByText(/oidc:.*developer/).waitFor();
    // A developer writes but does not administer the tenant.
    expect(await page.getByRole('link', { name: 'API keys' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Agents' }).click();
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
  });

  it('passes axe-core on every page, light and dark, and fits 390 px', async () => {
    const stack = current();
    const agentId = await createAgent(stack.admin, 'console-axe', approvalSpec);
    await stack.admin.versions.create(agentId, {
      ...approvalSpec,
      instructions: 'Pay only what the invoice says.',
    } as never);
    const { run } = await stack.admin.runs.create({ agentId, input: 'pay' });
    await waitUntil('the run to wait', async () => (await stack.admin.runs.get(run.id)).status === 'waiting', 30_000);
    const [thread] = await stack.admin.threads.list().toArray(1);
    await stack.admin.secrets.create({
      name: 'SEARCH_API_KEY',
      value: 'not-shown',
      description: 'for the search tool',
    });
    // Each page, the heading that names it, and what shows once its data has loaded.
    const pages: readonly { name: string; path: string; ready: string; shows: string }[] = [
      { name: 'runs', path: '', ready: 'Runs', shows: 'tbody tr' },
      { name: 'run-approval', path: `runs/${run.id}`, ready: 'Waiting for approval', shows: 'li.step' },
      { name: 'agents', path: 'agents', ready: 'Agents', shows: 'tbody tr' },
      { name: 'agent', path: `agents/${agentId}`, ready: 'Versions', shows: 'pre.json' },
      { name: 'threads', path: 'threads', ready: 'Threads', shows: 'tbody tr' },
      ...(thread ? [{ name: 'thread-list', path: `threads/${thread.id}`, ready: 'Turns', shows: '.bubble' }] : []),
      { name: 'approvals', path: 'approvals', ready: 'Approvals', shows: '.approval' },
      { name: 'schedules', path: 'schedules', ready: 'Schedules', shows: 'text=No schedules.' },
      { name: 'webhooks', path: 'webhooks', ready: 'Webhooks', shows: 'tr[data-testid="delivery"]' },
      { name: 'usage', path: 'usage', ready: 'Usage', shows: 'tfoot tr' },
      { name: 'api-keys', path: 'api-keys', ready: 'API keys', shows: 'tbody tr' },
      { name: 'secrets', path: 'secrets', ready: 'Secrets', shows: 'tbody tr' },
      { name: 'audit', path: 'audit', ready: 'Audit log', shows: 'tbody tr' },
    ];
    const failures: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const width of [1280, 390]) {
        const page = await stack.newPage({ colorScheme, width });
        await page.goto(`${stack.url}/console/`);
        for (const violation of await accessibilityViolations(page))
          failures.push(`sign-in ${colorScheme}: ${violation}`);
        if (colorScheme === 'light' && width === 1280) await takeScreenshot(page, 'sign-in');
        await signInWithKey(page, stack, stack.apiKey);
        for (const entry of pages) {
          await page.goto(`${stack.url}/console/${entry.path}`);
          await page.getByRole('heading', { name: entry.ready }).first().waitFor({ timeout: 30_000 });
          await page.locator(entry.shows).first().waitFor({ timeout: 30_000 });
          const label = `${entry.name} ${colorScheme} ${width}px`;
          if (width === 1280) {
            for (const violation of await accessibilityViolations(page)) failures.push(`${label}: ${violation}`);
          } else {
            const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
            if (overflow > 0) failures.push(`${label}: ${overflow}px wider than the screen`);
          }
          // Light at both widths, dark at 1280 px.
          if (colorScheme === 'light' || width === 1280) {
            const suffix = `${colorScheme === 'dark' ? '-dark' : ''}${width === 390 ? '-390' : ''}`;
            await takeScreenshot(page, `${entry.name}${suffix}`);
          }
        }
        // Keyboard: the skip link comes first and moves to the content.
        await page.keyboard.press('Tab');
        const focused = await page.evaluate<string>("document.activeElement ? document.activeElement.textContent : ''");
        if (focused !== 'Skip to content') failures.push(`${colorScheme} ${width}px: first Tab focuses "${focused}"`);
        await page.context().close();
      }
    }
    expect(failures).toEqual([]);
    await stack.admin.runs.cancel(run.id);
  }, 180_000);

  it('attempted no request to a host other than loopback on any page', () => {
    expect(current().offsite).toEqual([]);
  });
});
