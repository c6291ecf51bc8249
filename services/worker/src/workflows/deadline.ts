import { CancellationScope, sleep } from '@temporalio/workflow';

/**
 * Runs `body` in a scope of its own, cancelled when the deadline passes first. A deadline
 * already passed (a run that continued as new just after it) does not start the body.
 * @returns the body's value, or `'deadline'` when the deadline won.
 */
export async function withDeadline<T>(
  timeoutSeconds: number | undefined,
  body: () => Promise<T>,
): Promise<T | 'deadline'> {
  if (timeoutSeconds === undefined) return body();
  if (timeoutSeconds <= 0) return 'deadline';
  const scope = new CancellationScope();
  const work = scope.run(body);
  const deadline = sleep(timeoutSeconds * 1000).then(() => 'deadline' as const);
  const first = await Promise.race([work, deadline]);
  if (first !== 'deadline') return first;
  scope.cancel();
  await work.catch(() => undefined);
  return 'deadline';
}
