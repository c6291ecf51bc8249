import {
  AgentRuntimeClient,
  ApiError,
  ConflictError,
  ConnectionError,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitedError,
} from '@agent-runtime/sdk';
import { freePort } from '@agent-runtime/test-harness';
import { describe, expect, it } from 'vitest';
import { agentWithSpec, approvalSpec, uniqueName, type SdkContext } from './sdk-context.ts';

/** Refusals as typed errors carrying the problem's code, retries of 429, and the ways to authenticate. */
export function describeErrors(context: () => SdkContext): void {
  describe('typed errors, retries and credentials', () => {
    it('throws the typed error of each refusal, with its code, status, detail and request id', async () => {
      const { admin, stack } = context();
      const missing = await admin.agents.get('0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b').catch((error: unknown) => error);
      expect(missing).toBeInstanceOf(NotFoundError);
      expect(missing).toBeInstanceOf(ApiError);
      expect(missing).toMatchObject({ code: 'not_found', status: 404, requestId: expect.any(String) });
      expect((missing as ApiError).detail).toMatch(/not found/);

      const invalid = await admin.agents.create({ name: 'Not A Valid Name!' }).catch((error: unknown) => error);
      expect(invalid).toBeInstanceOf(InvalidRequestError);
      expect(invalid).toMatchObject({ code: 'validation_failed', status: 422 });
      expect((invalid as ApiError).errors).toEqual([expect.objectContaining({ path: 'body.name' })]);

      const name = uniqueName('taken');
      await admin.agents.create({ name });
      const taken = await admin.agents.create({ name }).catch((error: unknown) => error);
      expect(taken).toBeInstanceOf(ConflictError);
      expect(taken).toMatchObject({ code: 'conflict' });

      const agentId = await agentWithSpec(admin, 'not-pending', approvalSpec);
      const { run } = await admin.runs.create({ agentId, input: 'x' });
      const notPending = await admin.approvals.approve(run.id, '9-nope').catch((error: unknown) => error);
      expect(notPending).toMatchObject({ code: 'approval_not_pending', status: 409 });
      await admin.runs.cancel(run.id);

      const key = await admin.apiKeys.create({ name: uniqueName('viewer'), roles: ['viewer'] });
      const viewer = new AgentRuntimeClient({ baseUrl: stack.url, apiKey: key.key });
      const forbidden = await viewer.agents.create({ name: uniqueName('nope') }).catch((error: unknown) => error);
      expect(forbidden).toBeInstanceOf(PermissionDeniedError);
      expect(forbidden).toMatchObject({ code: 'forbidden', status: 403 });

      const nowhere = new AgentRuntimeClient({
        baseUrl: `http://127.0.0.1:${await freePort()}`,
        apiKey: stack.apiKey,
        retry: { maxRetries: 1, initialDelayMs: 10 },
      });
      await expect(nowhere.agents.list().firstPage()).rejects.toBeInstanceOf(ConnectionError);
    });

    it('retries 429 answers after Retry-After, and throws rate_limited when told not to wait', async () => {
      const { admin, stack } = context();
      // One request a second, two at once: the third of a burst is refused with Retry-After.
      const tenant = await admin.tenants.create({
        name: uniqueName('limited'),
        limits: { rateLimitPerMinute: 60, rateLimitBurst: 2 },
      });
      const { key } = await admin.tenants.createApiKey(tenant.id, { name: 'admin' });
      const patient = new AgentRuntimeClient({ baseUrl: stack.url, apiKey: key });
      const started = Date.now();
      for (let request = 0; request < 4; request += 1) await patient.agents.list().firstPage();
      // Four requests at one a second after a burst of two: the client waited as told.
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);

      const impatient = new AgentRuntimeClient({ baseUrl: stack.url, apiKey: key, retry: { maxRetries: 0 } });
      const refused = await Promise.all([1, 2, 3].map(() => impatient.agents.list().firstPage())).catch(
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(RateLimitedError);
      expect(refused).toMatchObject({ code: 'rate_limited', status: 429 });
      expect((refused as RateLimitedError).retryAfterSeconds).toBeGreaterThanOrEqual(1);

      // A Retry-After beyond the longest wait allowed is not waited for.
      const hurried = new AgentRuntimeClient({ baseUrl: stack.url, apiKey: key, retry: { maxDelayMs: 10 } });
      const quick = Date.now();
      const hurriedRefusal = await Promise.all([1, 2, 3].map(() => hurried.agents.list().firstPage())).catch(
        (error: unknown) => error,
      );
      expect(hurriedRefusal).toBeInstanceOf(RateLimitedError);
      expect(Date.now() - quick).toBeLessThan(1_000);
    });

    it('authenticates with a token provider, asked before every request', async () => {
      const { stack } = context();
      let asked = 0;
      const client = new AgentRuntimeClient({
        baseUrl: stack.url,
        token: async () => {
          asked += 1;
          return stack.apiKey;
        },
      });
      await client.agents.list().firstPage();
      await client.runs.list().firstPage();
      expect(asked).toBe(2);
      expect(() => new AgentRuntimeClient({ baseUrl: stack.url })).toThrow(/apiKey or a token/);
    });
  });
}
