/**
 * The event types an endpoint can subscribe to, each made from a stored run event (the
 * database's `webhook_event_types_of`, migration 0018): the run's terminal events,
 * `approval.requested` (with `run.waiting`: the run waits for the decision),
 * `artifact.created`, and `schedule.fired` (the start of a run a schedule made).
 */
export const webhookEventTypes = [
  'run.succeeded',
  'run.failed',
  'run.cancelled',
  'run.timed_out',
  'approval.requested',
  'run.waiting',
  'artifact.created',
  'schedule.fired',
] as const;

/** An event type webhooks deliver. */
export type WebhookEventType = (typeof webhookEventTypes)[number];
