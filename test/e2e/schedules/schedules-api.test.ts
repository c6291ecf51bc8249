import { startTestRuntime, waitUntil, type TestRuntime } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `/v1/schedules` on the test PostgreSQL and Temporal dev server, with a worker: the
 * lifecycle (create, read with next fire times, list, change, pause, unpause, trigger,
 * delete) and its audit, validation with the failing path, runs made by fires, and a
 * schedule whose agent is archived pausing itself.
 */

interface Schedule {
  id: string;
  paused: boolean;
  note: string | null;
  pausedReason: string | null;
  nextFireTimes?: string[];
  spec: { cron: string[]; intervals: { everySeconds: number; offsetSeconds: number }[]; timeZone: string };
}

interface Run {
  id: string;
  status: string;
  metadata: Record<string, string>;
}

interface Problem {
  code: string;
  errors?: { path: string; message: string }[];
}

describe('the schedules API', () => {
  let runtime: TestRuntime;
  const created: string[] = [];

  beforeAll(async () => {
    runtime = await startTestRuntime();
  });
  afterAll(async () => {
    // The Temporal dev server outlives this file: its schedules must not.
    for (const id of created) await runtime?.request('DELETE', `/v1/schedules/${id}`);
    await runtime?.stop();
  });

  async function newAgent(name: string): Promise<string> {
    const agent = (await (await runtime.request('POST', '/v1/agents', { name })).json()) as { id: string };
    await runtime.request('POST', `/v1/agents/${agent.id}/versions`, {
      spec: { model: { provider: 'scripted', replies: [{ text: 'done' }] } },
    });
    return agent.id;
  }

  async function createSchedule(body: Record<string, unknown>): Promise<Schedule> {
    const response = await runtime.request('POST', '/v1/schedules', body);
    expect(response.status, await response.clone().text()).toBe(201);
    const schedule = (await response.json()) as Schedule;
    created.push(schedule.id);
    return schedule;
  }

  const getSchedule = async (id: string, query = '') =>
    (await (await runtime.request('GET', `/v1/schedules/${id}${query}`)).json()) as Schedule;

  const runsOf = async (agentId: string) =>
    ((await (await runtime.request('GET', `/v1/runs?agentId=${agentId}&limit=100`)).json()) as { items: Run[] }).items;

  it('creates, reads with next fire times, lists, changes, pauses, unpauses and deletes a schedule, audited', async () => {
    const agentId = await newAgent('nightly');
    const schedule = await createSchedule({
      agentId,
      input: { message: 'triage' },
      spec: { cron: ['30 2 * * MON-FRI'], timeZone: 'Europe/Paris' },
      note: 'nightly triage',
    });
    expect(schedule).toMatchObject({ paused: false, overlap: 'skip', catchupWindowSeconds: 60, version: null });

    const read = await getSchedule(schedule.id, '?nextFireTimes=3');
    expect(read.nextFireTimes).toHaveLength(3);
    for (const time of read.nextFireTimes ?? []) {
      const paris = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Paris',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
      }).format(new Date(time));
      expect(paris).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 02:30$/);
    }

    const other = await createSchedule({ agentId, input: 'x', spec: { intervals: [{ everySeconds: 3600 }] } });
    await createSchedule({ agentId, input: 'y', spec: { intervals: [{ everySeconds: 7200, offsetSeconds: 60 }] } });
    const first = (await (await runtime.request('GET', `/v1/schedules?agentId=${agentId}&limit=2`)).json()) as {
      items: Schedule[];
      nextCursor: string;
    };
    expect(first.items).toHaveLength(2);
    const second = (await (
      await runtime.request('GET', `/v1/schedules?agentId=${agentId}&limit=2&cursor=${first.nextCursor}`)
    ).json()) as { items: Schedule[]; nextCursor: string | null };
    expect([...first.items, ...second.items].map((item) => item.id).sort()).toEqual(
      [schedule.id, other.id, created.at(-1)].sort(),
    );
    expect(second.nextCursor).toBeNull();

    const changed = await runtime.request('PATCH', `/v1/schedules/${other.id}`, {
      spec: { intervals: [{ everySeconds: 60 }] },
      overlap: 'allow_all',
    });
    expect(changed.status).toBe(200);
    const times = (await getSchedule(other.id)).nextFireTimes ?? [];
    expect(times).toHaveLength(5);
    expect(times.every((time) => new Date(time).getUTCSeconds() === 0)).toBe(true);
    expect(Date.parse(times[1] ?? '') - Date.parse(times[0] ?? '')).toBe(60_000);

    const paused = await runtime.request('POST', `/v1/schedules/${other.id}/pause`, { note: 'holiday' });
    expect(await paused.json()).toMatchObject({ paused: true, note: 'holiday', pausedReason: null });
    expect((await getSchedule(other.id)).nextFireTimes).toEqual([]);
    const described = await runtime.temporal.schedule.getHandle(other.id).describe();
    expect(described.state).toMatchObject({ paused: true, note: 'holiday' });
    const unpaused = await runtime.request('POST', `/v1/schedules/${other.id}/unpause`, {});
    expect(await unpaused.json()).toMatchObject({ paused: false });
    // Temporal's describe follows an unpause a moment later.
    await waitUntil(
      'next fire times after the unpause',
      async () => (await getSchedule(other.id)).nextFireTimes?.length === 5,
      10_000,
    );

    expect((await runtime.request('DELETE', `/v1/schedules/${other.id}`)).status).toBe(204);
    expect((await runtime.request('GET', `/v1/schedules/${other.id}`)).status).toBe(404);
    await expect(runtime.temporal.schedule.getHandle(other.id).describe()).rejects.toThrow(/not found/i);

    const audit = (await (await runtime.request('GET', `/v1/audit?targetType=schedule&limit=100`)).json()) as {
      items: { action: string; target: { id: string } }[];
    };
    expect(audit.items.filter((event) => event.target.id === other.id).map((event) => event.action)).toEqual([
      'schedule.deleted',
      'schedule.unpaused',
      'schedule.paused',
      'schedule.updated',
      'schedule.created',
    ]);
  });

  it('refuses bad timetables with 422 validation_failed and the path, unknown agents with 404', async () => {
    const agentId = await newAgent('validated');
    const cases: [Record<string, unknown>, string][] = [
      [{ cron: ['61 * * * *'] }, 'body.spec.cron.0'],
      [{ cron: ['* * *'] }, 'body.spec.cron.0'],
      [{ cron: ['0 0 * * MON', '0 25 * * *'] }, 'body.spec.cron.1'],
      [{ cron: ['0 0 * JANUARY *'] }, 'body.spec.cron.0'],
      [{ cron: ['0 0 * * *'], timeZone: 'Mars/Olympus' }, 'body.spec.timeZone'],
      [{}, 'body.spec.cron'],
      [{ intervals: [{ everySeconds: 0 }] }, 'body.spec.intervals.0.everySeconds'],
      [{ intervals: [{ everySeconds: 60, offsetSeconds: 60 }] }, 'body.spec.intervals.0.offsetSeconds'],
      [{ cron: ['@daily'], startAt: '2030-01-02T00:00:00Z', endAt: '2030-01-01T00:00:00Z' }, 'body.spec.endAt'],
    ];
    for (const [spec, path] of cases) {
      const response = await runtime.request('POST', '/v1/schedules', { agentId, input: 'x', spec });
      const problem = (await response.json()) as Problem;
      expect({ status: response.status, code: problem.code }, JSON.stringify(spec)).toEqual({
        status: 422,
        code: 'validation_failed',
      });
      expect(problem.errors?.map((error) => error.path)).toContain(path);
    }
    const catchup = await runtime.request('POST', '/v1/schedules', {
      agentId,
      input: 'x',
      spec: { cron: ['@hourly'] },
      catchupWindowSeconds: 5,
    });
    expect(((await catchup.json()) as Problem).errors?.map((error) => error.path)).toContain(
      'body.catchupWindowSeconds',
    );

    const unknown = await runtime.request('POST', '/v1/schedules', {
      agentId: '0190a0b0-0000-7000-8000-000000000000',
      input: 'x',
      spec: { cron: ['@hourly'] },
    });
    expect(unknown.status).toBe(404);
    const noVersion = await runtime.request('POST', '/v1/schedules', {
      agentId,
      version: 9,
      input: 'x',
      spec: { cron: ['@hourly'] },
    });
    expect(noVersion.status).toBe(404);
    expect((await runtime.request('GET', '/v1/schedules/not-a-schedule')).status).toBe(404);
  });

  it('makes one run per fire, with the fire time in its metadata; trigger fires at once', async () => {
    const agentId = await newAgent('every-second');
    const startAt = new Date(Date.now() + 1000);
    const endAt = new Date(startAt.getTime() + 3000);
    const schedule = await createSchedule({
      agentId,
      input: { message: 'tick' },
      metadata: { team: 'ops' },
      spec: { intervals: [{ everySeconds: 1 }], startAt: startAt.toISOString(), endAt: endAt.toISOString() },
      overlap: 'allow_all',
    });
    await waitUntil('the fires have run', async () => (await runsOf(agentId)).length >= 3, 30_000);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, endAt.getTime() + 3000 - Date.now())));
    const runs = await runsOf(agentId);
    const fireTimes = runs.map((run) => run.metadata['schedule.firedAt']);
    expect(new Set(fireTimes).size).toBe(runs.length);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.length).toBeLessThanOrEqual(4);
    for (const run of runs) {
      expect(run.metadata).toMatchObject({ team: 'ops', 'schedule.id': schedule.id });
      expect(new Date(run.metadata['schedule.firedAt'] ?? '').getUTCMilliseconds()).toBe(0);
    }

    const triggered = await runtime.request('POST', `/v1/schedules/${schedule.id}/trigger`);
    expect(triggered.status).toBe(202);
    await waitUntil('the triggered run exists', async () => (await runsOf(agentId)).length === runs.length + 1, 20_000);
    await waitUntil(
      'every run has ended',
      async () => (await runsOf(agentId)).every((run) => run.status === 'succeeded'),
      30_000,
    );
  });

  it('pauses itself, with the reason, when a fire finds its agent archived', async () => {
    const agentId = await newAgent('retired');
    const schedule = await createSchedule({ agentId, input: 'x', spec: { cron: ['@yearly'] } });
    expect((await runtime.request('DELETE', `/v1/agents/${agentId}`)).status).toBe(200);
    await runtime.request('POST', `/v1/schedules/${schedule.id}/trigger`);
    await waitUntil('the schedule paused itself', async () => (await getSchedule(schedule.id)).paused, 20_000);
    expect(await getSchedule(schedule.id)).toMatchObject({
      paused: true,
      pausedReason: 'agent_archived',
      nextFireTimes: [],
    });
    expect((await runtime.temporal.schedule.getHandle(schedule.id).describe()).state.paused).toBe(true);
    expect(await runsOf(agentId)).toEqual([]);
    // A schedule of an archived agent cannot be made either.
    const refused = await runtime.request('POST', '/v1/schedules', { agentId, input: 'x', spec: { cron: ['@daily'] } });
    expect(((await refused.json()) as Problem).code).toBe('agent_archived');
  });

  it('creates a Temporal schedule lost by Temporal again when the schedule is read', async () => {
    const agentId = await newAgent('restored');
    const schedule = await createSchedule({ agentId, input: 'x', spec: { cron: ['@hourly'] } });
    await runtime.temporal.schedule.getHandle(schedule.id).delete();
    expect((await getSchedule(schedule.id)).nextFireTimes).toHaveLength(5);
    expect((await runtime.temporal.schedule.getHandle(schedule.id).describe()).scheduleId).toBe(schedule.id);
  });
});
