import { describe, expect, it } from 'vitest';
import { runErrorCodeOfTool, isRunErrorCode } from '../errors/run-error-codes.ts';
import { runEventTypes } from './run-event-catalog.ts';
import { UncataloguedRunEventError, validateNewRunEvent, type NewRunEvent } from './new-run-event.ts';

const runId = '01a20000-0000-7000-8000-000000000001';
const usage = { steps: 1, modelCalls: 1, toolCalls: 0, inputTokens: 3, outputTokens: 4, costUsd: 0 };

describe('validateNewRunEvent', () => {
  it('accepts each writer shape and answers the step and payload as stored', () => {
    const started: NewRunEvent = {
      runId,
      type: 'run.started',
      data: { agentId: runId, agentVersion: 1 },
      dedupeKey: 'run.started',
    };
    expect(validateNewRunEvent(started)).toEqual({ step: null, data: { agentId: runId, agentVersion: 1 } });
    const failedTool: NewRunEvent = {
      runId,
      type: 'tool.completed',
      step: 2,
      data: { callId: 'a', tool: 'calculator', ok: false, error: { code: 'invalid_expression', message: 'no' } },
      dedupeKey: 'tool.completed:2:a',
    };
    expect(validateNewRunEvent(failedTool).step).toBe(2);
    const cancelledWhileQueued: NewRunEvent = { runId, type: 'run.cancelled', data: {}, dedupeKey: 'run.finished' };
    expect(validateNewRunEvent(cancelledWhileQueued)).toEqual({ step: null, data: {} });
    const failed: NewRunEvent = {
      runId,
      type: 'run.failed',
      data: { error: { code: 'http_404', message: 'gone', step: 1 }, usage },
      dedupeKey: 'run.finished',
    };
    expect(validateNewRunEvent(failed).data).toEqual(failed.data);
  });

  it('refuses a type outside the catalog', () => {
    const event = { runId, type: 'run.paused', data: {}, dedupeKey: 'x' } as unknown as NewRunEvent;
    expect(() => validateNewRunEvent(event)).toThrow(UncataloguedRunEventError);
    expect(runEventTypes).not.toContain('run.paused');
  });

  it('refuses a payload that breaks its type: a missing field, an extra one, a wrong step', () => {
    const missing = { runId, type: 'run.started', data: { agentId: runId }, dedupeKey: 'x' } as unknown as NewRunEvent;
    expect(() => validateNewRunEvent(missing)).toThrow(/agentVersion/);
    const extra = {
      runId,
      type: 'tool.started',
      step: 1,
      data: { callId: 'a', tool: 'echo', input: {}, secret: 'x' },
      dedupeKey: 'x',
    } as unknown as NewRunEvent;
    expect(() => validateNewRunEvent(extra)).toThrow(UncataloguedRunEventError);
    const noStep = {
      runId,
      type: 'model.started',
      data: { provider: 'scripted' },
      dedupeKey: 'x',
    } as unknown as NewRunEvent;
    expect(() => validateNewRunEvent(noStep)).toThrow(/step/);
    const uncataloguedCode = {
      runId,
      type: 'run.failed',
      data: { error: { code: 'closed', message: 'no', step: 1 }, usage },
      dedupeKey: 'x',
    } as unknown as NewRunEvent;
    expect(() => validateNewRunEvent(uncataloguedCode)).toThrow(UncataloguedRunEventError);
  });
});

describe('run error codes', () => {
  it('knows catalogued codes and the http_<status> families, and nothing else', () => {
    expect(['agent_failed', 'model_unavailable', 'tool_failed', 'http_404', 'mcp_http_-1'].every(isRunErrorCode)).toBe(
      true,
    );
    expect(['closed', 'Error', 'http_', 'http_abc', 'toString'].some(isRunErrorCode)).toBe(false);
  });

  it("fails a run with a tool's own code as tool_failed, and keeps catalogued codes", () => {
    expect(runErrorCodeOfTool('invalid_expression')).toBe('invalid_expression');
    expect(runErrorCodeOfTool('http_401')).toBe('http_401');
    expect(runErrorCodeOfTool('closed')).toBe('tool_failed');
  });
});
