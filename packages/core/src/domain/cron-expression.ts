/**
 * The cron expressions a schedule takes: five fields (minute, hour, day of month, month, day
 * of week), each `*`, a value, a range, a list of them, any with a `/step`; months and days
 * of the week by name too (`JAN`, `MON`); or one of the macros. Temporal parses more (seconds
 * and year fields, `@every`), but a schedule keeps to what every cron reader knows and names
 * intervals in `intervals` instead, so that a bad expression is refused here with its path
 * rather than by Temporal after the schedule was stored.
 */
const cronMacros = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

const monthNames = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const dayNames = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names for values, the first name standing for `min`. */
  readonly names?: readonly string[];
}

const cronFields: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: monthNames },
  // 7 is Sunday as well as 0, as in most crons.
  { name: 'day of week', min: 0, max: 7, names: dayNames },
];

function valueOf(text: string, field: CronField): number | undefined {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return field.min + named;
  if (!/^[0-9]{1,2}$/.test(text)) return undefined;
  const value = Number(text);
  return value >= field.min && value <= field.max ? value : undefined;
}

/** Why one comma-separated part of a field is wrong, or undefined when it is right. */
function partProblem(part: string, field: CronField): string | undefined {
  const [range = '', step, extra] = part.split('/');
  if (extra !== undefined) return `"${part}" has more than one step`;
  if (step !== undefined && (!/^[0-9]{1,2}$/.test(step) || Number(step) < 1)) {
    return `"${part}" has a step that is not a positive number`;
  }
  if (range === '*') return undefined;
  const [from = '', to, beyond] = range.split('-');
  if (beyond !== undefined) return `"${part}" is not a range`;
  const start = valueOf(from, field);
  if (start === undefined) return `"${from}" is not a ${field.name} (${field.min}-${field.max})`;
  if (to === undefined) return undefined;
  const end = valueOf(to, field);
  if (end === undefined) return `"${to}" is not a ${field.name} (${field.min}-${field.max})`;
  return end < start ? `"${range}" ends before it starts` : undefined;
}

/** Why the expression is not a cron expression schedules take, or undefined when it is one. */
export function cronExpressionProblem(expression: string): string | undefined {
  const text = expression.trim();
  if (cronMacros.has(text.toLowerCase())) return undefined;
  const fields = text.split(/\s+/);
  if (fields.length !== cronFields.length) {
    return `a cron expression has 5 fields (minute hour day-of-month month day-of-week) or is a macro such as @daily; this one has ${fields.length}`;
  }
  for (const [index, field] of cronFields.entries()) {
    for (const part of (fields[index] ?? '').split(',')) {
      const problem = partProblem(part, field);
      if (problem) return `${field.name} field: ${problem}`;
    }
  }
  return undefined;
}

/** Whether the IANA time zone name is one this runtime (and so Temporal's tz database) knows. */
export function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
