import { describe, expect, it } from 'vitest';
import { cronExpressionProblem, isKnownTimeZone } from './cron-expression.ts';

describe('cron expressions of schedules', () => {
  it('takes five fields with values, ranges, lists, steps and names, and the macros', () => {
    for (const expression of [
      '* * * * *',
      '*/15 * * * *',
      '30 2 * * MON-FRI',
      '0 9 1,15 jan-jun/2 1',
      '0 0 * * 7',
      '5-55/10 8-18 * * *',
      '@daily',
      '@Hourly',
    ]) {
      expect(cronExpressionProblem(expression), expression).toBeUndefined();
    }
  });

  it('says what is wrong with the rest', () => {
    expect(cronExpressionProblem('* * *')).toMatch(/5 fields.*has 3/);
    expect(cronExpressionProblem('60 * * * *')).toMatch(/^minute field: "60"/);
    expect(cronExpressionProblem('0 24 * * *')).toMatch(/^hour field/);
    expect(cronExpressionProblem('0 0 0 * *')).toMatch(/^day of month field/);
    expect(cronExpressionProblem('0 0 * JANUARY *')).toMatch(/^month field/);
    expect(cronExpressionProblem('0 0 * * 8')).toMatch(/^day of week field/);
    expect(cronExpressionProblem('*/0 * * * *')).toMatch(/step/);
    expect(cronExpressionProblem('10-5 * * * *')).toMatch(/ends before it starts/);
    expect(cronExpressionProblem('@every 5m')).toMatch(/5 fields/);
  });

  it('knows IANA time zones', () => {
    expect(isKnownTimeZone('Europe/Paris')).toBe(true);
    expect(isKnownTimeZone('UTC')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus')).toBe(false);
  });
});
