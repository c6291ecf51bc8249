import {
  AppError,
  builtinToolInterfaces,
  expandNamespaceTemplate,
  memoryNamespaceSchema,
  type MemoryPut,
  type MemorySearch,
} from '@agent-runtime/core';
import { defineTool, ToolError, type ToolContext, type ToolMemoryAccess } from './tool.ts';

function memoryOf(context: ToolContext): ToolMemoryAccess {
  if (!context.memory) throw new ToolError('memory_unavailable', 'this worker has no memory store');
  return context.memory;
}

/**
 * The namespace of a call: the declaration's template filled from the run, then the labels
 * the model added below it. The model can never leave the template's namespace.
 */
async function namespaceOf(memory: ToolMemoryAccess, below: readonly string[]) {
  if (!memory.namespace) throw new ToolError('memory_unavailable', 'the tool declaration names no namespace');
  const run = await memory.run();
  const expanded = expandNamespaceTemplate(memory.namespace, run);
  if ('problem' in expanded) throw new ToolError('memory_namespace_unresolved', expanded.problem);
  const namespace = memoryNamespaceSchema.safeParse([...expanded.namespace, ...below]);
  if (!namespace.success) {
    throw new ToolError(
      'invalid_tool_input',
      `namespace: ${namespace.error.issues.map((issue) => issue.message).join('; ')}`,
    );
  }
  return { tenantId: run.tenantId, namespace: namespace.data };
}

/** The store's refusals that the model can act on go back to it; failures of its parts are retried. */
function asToolError(error: unknown): never {
  if (error instanceof AppError && error.code !== 'dependency_unavailable' && error.code !== 'internal') {
    throw new ToolError(error.code === 'validation_failed' ? 'invalid_tool_input' : error.code, error.message);
  }
  throw error;
}

/** `memory_put`: saves an item under the declaration's namespace, embedded for `memory_search`. */
export const memoryPutTool = defineTool({
  name: 'memory_put',
  ...builtinToolInterfaces.memory_put,
  async execute({ key, value, namespace: below, index, ttlSeconds }, context) {
    const memory = memoryOf(context);
    const { tenantId, namespace } = await namespaceOf(memory, below);
    const put: MemoryPut = { namespace, key, value: value as MemoryPut['value'], index: index ?? ['$'], ttlSeconds };
    try {
      const { item, created } = await memory.store.put(tenantId, put);
      return { namespace: item.namespace, key: item.key, created, indexed: true };
    } catch (error) {
      // Semantic search is off here: the memory is kept all the same, for filters and listings.
      if (!(error instanceof AppError && error.code === 'semantic_search_unavailable')) asToolError(error);
      const { item, created } = await memory.store.put(tenantId, { ...put, index: undefined }).catch(asToolError);
      return { namespace: item.namespace, key: item.key, created, indexed: false };
    }
  },
});

/** `memory_search`: finds items under the declaration's namespace, by meaning and by field values. */
export const memorySearchTool = defineTool({
  name: 'memory_search',
  ...builtinToolInterfaces.memory_search,
  async execute({ query, filter, namespace: below, limit }, context) {
    const memory = memoryOf(context);
    const { tenantId, namespace } = await namespaceOf(memory, below);
    const page = await memory.store
      // The model's input is JSON: its filter values are JSON values.
      .search(tenantId, { namespacePrefix: namespace, filter: filter as MemorySearch['filter'], query, limit })
      .catch(asToolError);
    return {
      items: page.items.map((item) => ({
        namespace: item.namespace,
        key: item.key,
        value: item.value,
        score: item.score,
        updatedAt: item.updatedAt,
      })),
    };
  },
});
