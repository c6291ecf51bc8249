import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, openBlobStore } from '@agent-runtime/core';
import { historyFromJson } from '@agent-runtime/test-harness';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowWorkerOptions } from '../create-worker.ts';

const historiesDir = fileURLToPath(new URL('./histories/', import.meta.url));

/**
 * Today's workflow code must replay every recorded history (`npm run record-histories`)
 * command for command, or runs in flight when it is deployed would fail with a
 * non-determinism error. See docs/workflow-changes.md.
 */
describe('replaying recorded agentRun histories', () => {
  let blobDir: string;
  let files: string[];

  beforeAll(async () => {
    // The replay worker's state changes would fill the output; failures still show.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    // Replay decodes payloads the way the worker does; the recorded histories hold no claim
    // checks, so this empty store is never read.
    blobDir = await mkdtemp(path.join(tmpdir(), 'replay-blobs-'));
    files = (await readdir(historiesDir, { recursive: true })).filter((file) => file.endsWith('.json')).sort();
  });
  afterAll(() => rm(blobDir, { recursive: true, force: true }));

  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it('replays every history without a non-determinism or workflow task error', async () => {
    const config = loadConfig({ AR_BLOB_DIR: blobDir });
    const options = {
      ...workflowWorkerOptions({ config, blobs: openBlobStore(config) }),
      replayName: 'agent-run-replay',
    };
    async function* histories() {
      for (const file of files) {
        const json: unknown = JSON.parse(await readFile(path.join(historiesDir, file), 'utf8'));
        yield { workflowId: file, history: historyFromJson(json) };
      }
    }
    const replayed: string[] = [];
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories(options, histories())) {
      replayed.push(result.workflowId);
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toEqual(files);
  });
});
