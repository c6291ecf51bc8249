import type { FastifyReply } from 'fastify';
import type { ApiInstance } from '../app-types.ts';

/** Why a waiting request stopped waiting before it was done. */
export type WaitEnd = 'client-gone' | 'server-closing';

/** A waiting request's stop signal; `release` when the request is done. */
export interface WaitingRequest {
  /** Aborted, with a {@link WaitEnd} as its reason, when the client goes away or the server closes. */
  readonly signal: AbortSignal;
  release(): void;
}

/**
 * Tracks the requests that wait (SSE streams, long polls) so that neither a departed client
 * nor a closing server leaves one waiting: a hijacked SSE response would otherwise hold the
 * server's `close()` open for as long as its run lasts.
 */
export function trackWaitingRequests(app: ApiInstance): (reply: FastifyReply) => WaitingRequest {
  const waiting = new Set<AbortController>();
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    for (const controller of waiting) controller.abort('server-closing' satisfies WaitEnd);
  });
  return (reply) => {
    const controller = new AbortController();
    // A request that got past routing just before the close must not start waiting now.
    if (closing) controller.abort('server-closing' satisfies WaitEnd);
    waiting.add(controller);
    const onClose = () => controller.abort('client-gone' satisfies WaitEnd);
    reply.raw.once('close', onClose);
    // A client that left while its request was still in hooks or the handler's reads has
    // already closed: its 'close' event is gone, so look at the socket.
    if (reply.raw.destroyed || reply.raw.socket?.destroyed) controller.abort('client-gone' satisfies WaitEnd);
    // Gone while the handler was still reading the run: its `close` has already been emitted.
    if (reply.raw.destroyed) onClose();
    return {
      signal: controller.signal,
      release() {
        waiting.delete(controller);
        reply.raw.off('close', onClose);
      },
    };
  };
}
