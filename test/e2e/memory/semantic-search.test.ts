import {
  createPostgresDatabase,
  startOpenAiCompatibleServer,
  startPostgres,
  startTestRuntime,
  testEmbeddingOf,
  type OpenAiCompatibleServer,
  type RestartablePostgresServer,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Semantic search of the memory store returns the nearest items, the same test on PostgreSQL
 * with pgvector (pgserver's build: Debian's has no pgvector here) and on PGlite with its
 * vector extension. The embeddings come from the test model server's `/v1/embeddings`
 * (bags of words: texts that share words are near), through the AI SDK.
 */

interface Hit {
  namespace: string[];
  key: string;
  value: { text: string };
  score: number | null;
}

function cosine(a: readonly number[], b: readonly number[]): number {
  const dot = a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);
  const norm = (v: readonly number[]) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
  return dot / (norm(a) * norm(b));
}

const notes = {
  tea: 'I drink green tea every morning',
  meeting: 'The team meeting moved to Friday morning',
  cat: 'My cat sleeps all day long',
};
const query = 'what tea do I drink in the morning';

let models: OpenAiCompatibleServer;
let pgvector: RestartablePostgresServer;

beforeAll(async () => {
  [models, pgvector] = await Promise.all([startOpenAiCompatibleServer(), startPostgres({ build: 'pgvector' })]);
});
afterAll(async () => {
  await models?.close();
  await pgvector?.stop();
});

describe.each([
  { database: 'PostgreSQL with pgvector', kind: 'postgres' as const },
  { database: 'PGlite with its vector extension', kind: 'pglite' as const },
])('semantic search of the memory store on $database', ({ kind }) => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({
      worker: false,
      ...(kind === 'postgres'
        ? { databaseUrl: await createPostgresDatabase(pgvector.url) }
        : { database: 'pglite' as const }),
      env: {
        AR_MEMORY_EMBEDDING_PROVIDER: 'openai-compatible',
        AR_MEMORY_EMBEDDING_BASE_URL: models.baseUrl,
        AR_MEMORY_EMBEDDING_MODEL: 'bag-of-words',
      },
    });
  });
  afterAll(() => runtime?.stop());

  async function put(namespace: string[], key: string, text: string, index?: string[]) {
    const response = await runtime.request('PUT', '/v1/store/items', {
      namespace,
      key,
      value: { text, kind: 'note' },
      ...(index ? { index } : {}),
    });
    expect(response.status, await response.clone().text()).toBe(201);
  }

  async function search(body: Record<string, unknown>): Promise<Hit[]> {
    const response = await runtime.request('POST', '/v1/store/items/search', body);
    expect(response.status, await response.clone().text()).toBe(200);
    const page = (await response.json()) as { items: Hit[]; nextCursor: string | null };
    expect(page.nextCursor).toBeNull();
    return page.items;
  }

  it('ranks the embedded items under a prefix by cosine similarity to the query, with their scores', async () => {
    for (const [key, text] of Object.entries(notes)) await put(['users', 'u1', 'notes'], key, text, ['text']);
    // The same words in another user's namespace, and an item stored without an embedding.
    await put(['users', 'u2', 'notes'], 'tea', notes.tea, ['text']);
    await put(['users', 'u1', 'notes'], 'unindexed', 'I drink green tea every morning too');

    const hits = await search({ namespacePrefix: ['users', 'u1'], query });
    expect(hits.map((hit) => hit.key)).toEqual(['tea', 'meeting', 'cat']);
    expect(hits.every((hit) => hit.namespace.join('/') === 'users/u1/notes')).toBe(true);
    const expected = hits.map((hit) => cosine(testEmbeddingOf(query), testEmbeddingOf(hit.value.text)));
    hits.forEach((hit, index) => expect(hit.score).toBeCloseTo(expected[index] ?? Number.NaN, 5));
    expect(hits[0]?.score).toBeGreaterThan(0.5);

    // The texts and the query went to the model server: the embeddings are its.
    const embedded = models.embeddingRequests.flatMap((request) => request.inputs);
    expect(embedded).toEqual(expect.arrayContaining([...Object.values(notes), query]));
    expect(models.embeddingRequests.every((request) => request.model === 'bag-of-words')).toBe(true);
  });

  it('keeps to the limit, the prefix and the filter', async () => {
    expect((await search({ namespacePrefix: ['users', 'u1'], query, limit: 1 })).map((hit) => hit.key)).toEqual([
      'tea',
    ]);
    const everyUser = await search({ namespacePrefix: ['users'], query, limit: 2 });
    expect(everyUser.map((hit) => `${hit.namespace[1]}/${hit.key}`).sort()).toEqual(['u1/tea', 'u2/tea']);
    expect(await search({ namespacePrefix: ['users', 'u1'], query, filter: { kind: 'diary' } })).toEqual([]);
  });

  it('forgets the embedding of an item replaced without index', async () => {
    const replaced = await runtime.request('PUT', '/v1/store/items', {
      namespace: ['users', 'u1', 'notes'],
      key: 'tea',
      value: { text: notes.tea, kind: 'note' },
    });
    expect(replaced.status).toBe(200);
    expect((await search({ namespacePrefix: ['users', 'u1'], query })).map((hit) => hit.key)).toEqual([
      'meeting',
      'cat',
    ]);
  });
});
