import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createRouteAccessRecorder, type RouteAccessEntry } from './auth.ts';

describe('route access recorder', () => {
  it('records each route with its access level, and refuses a route that declares none', () => {
    const table: RouteAccessEntry[] = [];
    const app = Fastify();
    app.addHook('onRoute', createRouteAccessRecorder(table));
    app.route({ method: ['GET', 'POST'], url: '/things', config: { access: 'write' }, handler: async () => 'ok' });
    expect(table).toContainEqual({ method: 'GET', url: '/things', access: 'write' });
    expect(table).toContainEqual({ method: 'POST', url: '/things', access: 'write' });
    expect(() => app.get('/forgotten', async () => 'ok')).toThrow('route GET /forgotten does not declare its access');
  });
});
