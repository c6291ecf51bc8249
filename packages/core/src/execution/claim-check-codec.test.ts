import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilesystemBlobStore } from '../blobs/filesystem-blob-store.ts';
import {
  ClaimCheckCodec,
  ClaimCheckError,
  isClaimCheck,
  payloadsPrefixOf,
  type ClaimCheck,
} from './claim-check-codec.ts';

const toPayload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const fromPayload = (payload: Payload): unknown => defaultPayloadConverter.fromPayload(payload);
const claimCheckOf = (payload: Payload) =>
  JSON.parse(new TextDecoder().decode(payload.data ?? undefined)) as ClaimCheck;

describe('ClaimCheckCodec', () => {
  let root: string;
  let codec: ClaimCheckCodec;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'claim-check-'));
    codec = new ClaimCheckCodec({ blobs: new FilesystemBlobStore(root), thresholdBytes: 1024 });
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('passes payloads at or under the threshold through untouched', async () => {
    const small = toPayload({ text: 'x'.repeat(900) });
    const [encoded] = await codec.encode([small]);
    expect(encoded).toBe(small);
    expect(isClaimCheck(small)).toBe(false);
  });

  it('moves larger payloads to the blob store and brings them back whole', async () => {
    const large = toPayload({ text: 'y'.repeat(5 * 1024 * 1024) });
    const small = toPayload(42);
    const encoded = await codec.encode([large, small]);
    expect(encoded[1]).toBe(small);
    const check = encoded[0] as Payload;
    expect(isClaimCheck(check)).toBe(true);
    expect(check.data?.byteLength).toBeLessThan(300);
    expect(claimCheckOf(check).key).toMatch(/^payloads\/sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
    const decoded = await codec.decode(encoded);
    expect(decoded[1]).toBe(small);
    expect(fromPayload(decoded[0] as Payload)).toEqual({ text: 'y'.repeat(5 * 1024 * 1024) });
    expect(new TextDecoder().decode((decoded[0] as Payload).metadata?.['encoding'])).toBe('json/plain');
  });

  it("keys a workflow's payloads by its id, so they can be found and deleted with it", async () => {
    const value = toPayload({ text: 'w'.repeat(4096) });
    const context = { type: 'activity', namespace: 'default', workflowId: 'run-1', isLocal: false } as const;
    const [inActivity] = (await codec.encode([value], context)) as [Payload];
    const [inWorkflow] = (await codec.encode([value], {
      type: 'workflow',
      namespace: 'default',
      workflowId: 'run-1',
    })) as [Payload];
    expect(claimCheckOf(inActivity).key).toMatch(/^payloads\/workflows\/run-1\/[0-9a-f]{64}$/);
    expect(claimCheckOf(inWorkflow)).toEqual(claimCheckOf(inActivity));
    expect(fromPayload((await codec.decode([inActivity]))[0] as Payload)).toEqual({ text: 'w'.repeat(4096) });
    const [other] = (await codec.encode([value], { ...context, workflowId: 'run-2' })) as [Payload];
    expect(claimCheckOf(other).key).toMatch(/^payloads\/workflows\/run-2\//);
    // A workflow id that is no key segment keeps the unkeyed layout.
    const [odd] = (await codec.encode([value], { ...context, workflowId: 'a b/../c' })) as [Payload];
    expect(claimCheckOf(odd).key).toMatch(/^payloads\/sha256\//);
    expect(payloadsPrefixOf('run-1')).toBe('payloads/workflows/run-1/');
    expect(payloadsPrefixOf('x:y')).toBeUndefined();
  });

  it('stores equal payloads once', async () => {
    const value = { repeated: 'z'.repeat(4096) };
    const [first] = await codec.encode([toPayload(value)]);
    const [second] = await codec.encode([toPayload(value)]);
    expect(claimCheckOf(second as Payload)).toEqual(claimCheckOf(first as Payload));
    const key = claimCheckOf(first as Payload).key;
    expect(await readdir(path.join(root, path.dirname(key)))).toEqual([path.basename(key)]);
  });

  it('refuses a blob that is missing or was altered', async () => {
    const [encoded] = (await codec.encode([toPayload({ tampered: 't'.repeat(4096) })])) as [Payload];
    const { key } = claimCheckOf(encoded);
    await writeFile(path.join(root, key), 'not the payload');
    await expect(codec.decode([encoded])).rejects.toThrow(ClaimCheckError);
    await rm(path.join(root, key));
    await expect(codec.decode([encoded])).rejects.toThrow(/cannot be read/);
  });
});
