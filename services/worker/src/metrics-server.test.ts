import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { startMetricsServer } from './metrics-server.ts';

describe('the worker metrics server', () => {
  it('serves its registry at /metrics and nothing else', async () => {
    const registry = new Registry();
    new Counter({ name: 'worker_test_total', help: 'test', registers: [registry] }).inc(3);
    const server = await startMetricsServer(registry, '127.0.0.1', 0);
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(response.headers.get('content-type')).toContain('text/plain');
      expect(await response.text()).toMatch(/^worker_test_total 3$/m);
      expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
