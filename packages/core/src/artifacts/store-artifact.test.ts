import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { databaseKinds, openTestDatabase } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilesystemBlobStore } from '../blobs/filesystem-blob-store.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import { createAgent } from '../db/repositories/agents.ts';
import { createAgentVersion } from '../db/repositories/agent-versions.ts';
import { getArtifactRecord, listArtifacts } from '../db/repositories/artifacts.ts';
import { listRunEvents } from '../db/repositories/run-events.ts';
import { createRun } from '../db/repositories/runs.ts';
import { createTenant } from '../db/repositories/tenants.ts';
import { seedDefaults } from '../db/seed.ts';
import { artifactContentTypeSchema, artifactNameSchema } from '../domain/artifact.ts';
import { agentSpecSchema } from '../domain/agent-spec.ts';
import { artifactBlobKey, openArtifactContent, storeArtifact, type StoreArtifactRequest } from './store-artifact.ts';

const spec = agentSpecSchema.parse({ model: { provider: 'scripted', replies: [{ text: 'hi' }] } });
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('artifact names and content types', () => {
  it.each(['report.pdf', 'Übersicht 2026 (final).xlsx', 'a', 'x'.repeat(255), '.env', 'résumé.txt', '日本語.md'])(
    'accepts the name %j',
    (name) => expect(artifactNameSchema.safeParse(name).success).toBe(true),
  );
  it.each([
    '',
    'x'.repeat(256),
    'a/b',
    '..\\evil',
    '.',
    '..',
    'line\nbreak',
    'nul\u0000',
    'tab\t',
    ' lead',
    'trail ',
    'invoice\u202efdp.exe',
    'bad\ud800surrogate',
  ])('refuses the name %j', (name) => {
    expect(artifactNameSchema.safeParse(name).success).toBe(false);
  });
  it('normalizes media types and refuses what is not one', () => {
    expect(artifactContentTypeSchema.parse('Text/CSV; charset=UTF-8')).toBe('text/csv; charset=UTF-8');
    expect(artifactContentTypeSchema.parse('application/vnd.api+json')).toBe('application/vnd.api+json');
    for (const bad of ['', 'text', 'text/', '/plain', 'text/plain; charset', 'a b/c', 'text/plain\r\nx: y']) {
      expect(artifactContentTypeSchema.safeParse(bad).success).toBe(false);
    }
  });
});

describe.each(databaseKinds)('storeArtifact on %s and a filesystem blob store', (kind) => {
  let database: DatabaseHandle;
  let blobDir: string;
  let blobs: FilesystemBlobStore;
  let tenantId: string;
  let runId: string;
  const request = (overrides: Partial<StoreArtifactRequest> = {}): StoreArtifactRequest => ({
    tenantId,
    runId,
    name: 'data.bin',
    contentType: 'application/octet-stream',
    content: new Uint8Array([1, 2, 3]),
    maxBytes: 1024 * 1024,
    source: 'api',
    ...overrides,
  });
  const blobFiles = async () => readdir(path.join(blobDir, 'artifacts', tenantId, runId)).catch(() => []);

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    blobDir = await mkdtemp(path.join(tmpdir(), 'artifact-store-'));
    blobs = new FilesystemBlobStore(blobDir);
    tenantId = (await seedDefaults(database.db, {})).tenant.id;
    const agent = await createAgent(database.db, tenantId, { name: 'artifacts' });
    await createAgentVersion(database.db, tenantId, agent.id, spec);
    runId = (await createRun(database.db, { tenantId, agentId: agent.id, input: 'x' })).run.id;
  });
  afterAll(async () => {
    await database.close();
    await rm(blobDir, { recursive: true, force: true });
  });

  it('streams the content to its blob, records it, and reads it back whole', async () => {
    const chunks = [randomBytes(70_000), randomBytes(5)].map((chunk) => new Uint8Array(chunk));
    const whole = Buffer.concat(chunks);
    const stored = await storeArtifact(
      { db: database.db, blobs },
      request({
        content: (async function* () {
          yield* chunks;
        })(),
        contentType: 'Image/PNG',
        name: 'chart.png',
      }),
    );
    expect(stored.artifact).toMatchObject({
      name: 'chart.png',
      contentType: 'image/png',
      size: whole.byteLength,
      sha256: sha256(whole),
    });
    expect(stored.blobKey).toBe(artifactBlobKey(tenantId, runId, stored.artifact.id));
    const opened = await openArtifactContent(
      blobs,
      await getArtifactRecord(database.db, tenantId, runId, stored.artifact.id),
    );
    expect(opened.size).toBe(whole.byteLength);
    const read: Buffer[] = [];
    for await (const chunk of opened.stream as AsyncIterable<Buffer>) read.push(chunk);
    expect(Buffer.concat(read).equals(whole)).toBe(true);
  });

  it('refuses to serve content that is missing or differs in size from its record', async () => {
    const stored = await storeArtifact({ db: database.db, blobs }, request({ name: 'tampered.bin' }));
    await blobs.put(stored.blobKey, new Uint8Array([1, 2, 3, 4]));
    await expect(openArtifactContent(blobs, stored)).rejects.toThrow(/is 4 bytes, not 3/);
    await blobs.delete(stored.blobKey);
    await expect(openArtifactContent(blobs, stored)).rejects.toThrow(/missing from the blob store/);
  });

  it('answers a retried tool write with the first artifact, leaving one blob and one event per key', async () => {
    const dedupe = {
      source: 'tool' as const,
      step: 3,
      toolCallId: 'call_1',
      dedupeKey: 'tool:3:call_1:out.txt',
      name: 'out.txt',
    };
    const before = (await blobFiles()).length;
    const first = await storeArtifact({ db: database.db, blobs }, request({ ...dedupe, content: new Uint8Array([1]) }));
    const again = await storeArtifact({ db: database.db, blobs }, request({ ...dedupe, content: new Uint8Array([2]) }));
    expect(again).toMatchObject({ created: false, artifact: first.artifact });
    const [raced, racer] = await Promise.all(
      [4, 5].map((byte) =>
        storeArtifact(
          { db: database.db, blobs },
          request({ ...dedupe, dedupeKey: 'race', content: new Uint8Array([byte]) }),
        ),
      ),
    );
    expect(raced?.artifact.id).toBe(racer?.artifact.id);
    expect((await blobFiles()).length).toBe(before + 2);
    const events = await listRunEvents(database.db, tenantId, runId, { after: 0, limit: 100 });
    const created = events.filter((event) => event.type === 'artifact.created' && event.step === 3);
    expect(created.map((event) => (event.data as { id: string }).id)).toEqual([first.artifact.id, raced?.artifact.id]);
  });

  it("stores nothing for too large content, a bad name, or another tenant's run", async () => {
    const before = {
      blobs: await blobFiles(),
      rows: (await listArtifacts(database.db, tenantId, runId, { limit: 100 })).items,
    };
    const tooLarge = storeArtifact({ db: database.db, blobs }, request({ content: new Uint8Array(11), maxBytes: 10 }));
    await expect(tooLarge).rejects.toMatchObject({ code: 'payload_too_large' });
    await expect(storeArtifact({ db: database.db, blobs }, request({ name: '../escape' }))).rejects.toMatchObject({
      code: 'validation_failed',
      details: { errors: [{ path: 'name', message: 'must not contain "/" or "\\"' }] },
    });
    await expect(storeArtifact({ db: database.db, blobs }, request({ contentType: 'nonsense' }))).rejects.toMatchObject(
      {
        code: 'validation_failed',
      },
    );
    const other = await createTenant(database.db, `artifact-other-${kind}`);
    let read = false;
    const unread = (async function* () {
      read = true;
      yield new Uint8Array([1]);
    })();
    await expect(
      storeArtifact({ db: database.db, blobs }, request({ tenantId: other.id, content: unread })),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(read).toBe(false);
    expect(await blobFiles()).toEqual(before.blobs);
    expect((await listArtifacts(database.db, tenantId, runId, { limit: 100 })).items).toEqual(before.rows);
    expect(await readdir(path.join(blobDir, '.tmp'))).toEqual([]);
  });
});
