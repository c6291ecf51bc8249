import { afterAll, beforeAll, describe } from 'vitest';
import { describeErrors } from './errors-suite.ts';
import { describePagination } from './pagination-suite.ts';
import { describeReplay } from './replay-suite.ts';
import { describeResources } from './resources-suite.ts';
import { describeRuns } from './runs-suite.ts';
import { sdkContextOf, type SdkContext } from './sdk-context.ts';
import { startProductionStack } from './sdk-stacks.ts';
import { describeThreads } from './threads-suite.ts';

/** The SDK against production mode: API and worker processes on PostgreSQL, Temporal and Redis. */
describe('the SDK against production mode', () => {
  let context: SdkContext | undefined;
  beforeAll(async () => {
    context = sdkContextOf(await startProductionStack());
  });
  afterAll(() => context?.stack.stop());
  const current = () => {
    if (!context) throw new Error('the stack did not start');
    return context;
  };
  describeResources(current);
  describePagination(current);
  describeRuns(current);
  describeErrors(current);
  describeThreads(current);
  describeReplay(current);
});
