import { describe, expect, it } from 'vitest';
import type { ModelTextDelta } from './model-delta.ts';
import { ModelDeltaBuffer } from './model-delta-buffer.ts';

const delta = (
  step: number,
  index: number,
  text = `s${step}i${index}`,
  attempt = 1,
  runId = 'run-a',
): ModelTextDelta => ({
  runId,
  step,
  attempt,
  index,
  text,
});

const positions = (deltas: readonly ModelTextDelta[]) =>
  deltas.map(({ step, attempt, index }) => `${step}.${attempt}.${index}`);

describe('ModelDeltaBuffer', () => {
  it("keeps each run's deltas by step and index, of each step only its latest attempt", () => {
    const buffer = new ModelDeltaBuffer();
    buffer.append('run-a', [delta(1, 0), delta(1, 1)]);
    buffer.append('run-b', [delta(1, 0, 'other', 1, 'run-b')]);
    buffer.append('run-a', [delta(2, 0), delta(2, 1, 'x', 1)]);
    // Step 2 is retried: its first attempt's text is superseded; a late piece of it is stale.
    buffer.append('run-a', [delta(2, 0, 'again', 2)]);
    buffer.append('run-a', [delta(2, 2, 'late', 1)]);
    buffer.append('run-a', [delta(2, 1, ' and more', 2)]);
    expect(positions(buffer.read('run-a'))).toEqual(['1.1.0', '1.1.1', '2.2.0', '2.2.1']);
    expect(buffer.read('run-b').map((kept) => kept.text)).toEqual(['other']);
    expect(buffer.read('run-c')).toEqual([]);
    // Out of order on arrival (two publishers of one step): read in order.
    buffer.append('run-c', [delta(3, 1, 'b', 1, 'run-c'), delta(3, 0, 'a', 1, 'run-c')]);
    expect(buffer.read('run-c').map((kept) => kept.text)).toEqual(['a', 'b']);
    expect(buffer.totalBytes).toBe(
      [...buffer.read('run-a'), ...buffer.read('run-b'), ...buffer.read('run-c')].reduce(
        (sum, kept) => sum + Buffer.byteLength(kept.text),
        0,
      ),
    );
  });

  it('drops the oldest deltas of a run past its entry or byte bound, the step in flight last', () => {
    const byEntries = new ModelDeltaBuffer({ maxRunEntries: 3 });
    byEntries.append('run-a', [delta(1, 0), delta(1, 1), delta(2, 0)]);
    byEntries.append('run-a', [delta(2, 1)]);
    expect(positions(byEntries.read('run-a'))).toEqual(['1.1.1', '2.1.0', '2.1.1']);

    // 'é' is two bytes in UTF-8: bytes are counted, not characters.
    const byBytes = new ModelDeltaBuffer({ maxRunBytes: 10 });
    byBytes.append('run-a', [delta(1, 0, 'éé'), delta(1, 1, 'abc')]);
    expect(byBytes.totalBytes).toBe(7);
    byBytes.append('run-a', [delta(1, 2, 'défg')]);
    expect(byBytes.read('run-a').map((kept) => kept.text)).toEqual(['abc', 'défg']);
    expect(byBytes.totalBytes).toBe(8);
    // One delta over the bound on its own: nothing of the run can be kept.
    byBytes.append('run-a', [delta(1, 3, 'x'.repeat(11))]);
    expect(byBytes.read('run-a')).toEqual([]);
    expect(byBytes.runCount).toBe(0);
    expect(byBytes.totalBytes).toBe(0);
  });

  it('drops the runs that streamed least recently past the bound over all runs', () => {
    const buffer = new ModelDeltaBuffer({ maxTotalBytes: 10 });
    buffer.append('run-a', [delta(1, 0, 'aaaa', 1, 'run-a')]);
    buffer.append('run-b', [delta(1, 0, 'bbbb', 1, 'run-b')]);
    buffer.append('run-a', [delta(1, 1, 'aa', 1, 'run-a')]);
    // run-b is now the least recent: it goes when run-c comes.
    buffer.append('run-c', [delta(1, 0, 'cccc', 1, 'run-c')]);
    expect(buffer.read('run-b')).toEqual([]);
    expect(buffer.read('run-a').map((kept) => kept.text)).toEqual(['aaaa', 'aa']);
    expect(buffer.read('run-c').map((kept) => kept.text)).toEqual(['cccc']);
    expect(buffer.totalBytes).toBe(10);
  });

  it("drops a run's deltas a TTL after its last one, however long it streamed before", () => {
    let now = 1_000;
    const buffer = new ModelDeltaBuffer({ ttlMs: 100, now: () => now });
    buffer.append('run-a', [delta(1, 0)]);
    buffer.append('run-b', [delta(1, 0, 'b', 1, 'run-b')]);
    now += 80;
    buffer.append('run-a', [delta(1, 1)]);
    now += 80;
    // run-b's last delta is 160 ms old, run-a's 80 ms.
    expect(buffer.read('run-b')).toEqual([]);
    expect(positions(buffer.read('run-a'))).toEqual(['1.1.0', '1.1.1']);
    expect(buffer.runCount).toBe(1);
    now += 20;
    expect(buffer.read('run-a')).toEqual([]);
    expect(buffer.runCount).toBe(0);
    expect(buffer.totalBytes).toBe(0);
  });
});
