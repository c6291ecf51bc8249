import { afterAll, beforeAll, describe } from 'vitest';
import { describeErrors } from './errors-suite.ts';
import { describePagination } from './pagination-suite.ts';
import { describeReplay } from './replay-suite.ts';
import { describeResources } from './resources-suite.ts';
import { describeRuns } from './runs-suite.ts';
import { sdkContextOf, type SdkContext } from './sdk-context.ts';
import { startEmbeddedStack } from './sdk-stacks.ts';
import { describeThreads } from './threads-suite.ts';

/** The SDK against the one-command runtime (PGlite, its own Temporal dev server), as a user's laptop runs it. */
describe('the SDK against the embedded runtime', () => {
  let context: SdkContext | undefined;
  beforeAll(async () => {
    context = sdkContextOf(await startEmbeddedStack());
  });
  afterAll(() => context?.stack.stop());
  const current = () => {
    if (!context) throw new Error('the runtime did not start');
    return context;
  };
  describeResources(current);
  describePagination(current);
  describeRuns(current);
  describeErrors(current);
  describeThreads(current);
  describeReplay(current);
});
