import type { PageIterator } from '@agent-runtime/sdk';
import { useQuery } from '@tanstack/react-query';

/** Up to `max` items of a paged list (newest first), as a query; `key` names it in the cache. */
export function usePageList<T>(key: readonly unknown[], list: () => PageIterator<T>, max = 200, refetchMs?: number) {
  return useQuery({
    queryKey: key,
    queryFn: () => list().toArray(max),
    ...(refetchMs === undefined ? {} : { refetchInterval: refetchMs }),
  });
}
