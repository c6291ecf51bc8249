import type { Webhook, WebhookDelivery } from '@agent-runtime/sdk';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { ErrorNote } from '../components/error-note.tsx';
import { formatDuration, formatTime, shortId } from '../components/format.ts';
import { StatusBadge } from '../components/status-badge.tsx';
import { usePageList } from '../components/use-page-list.ts';
import { useSession } from '../session/session.tsx';

/** The tenant's webhook endpoints: what each is sent, enabled or not, and one endpoint's deliveries. */
export function WebhooksPage() {
  const { client } = useSession();
  const webhooks = usePageList(['webhooks'], () => client.webhooks.list());
  const [chosenId, setChosenId] = useState<string>();
  // The newest endpoint's deliveries until another is chosen.
  const chosen = webhooks.data?.find((webhook) => webhook.id === chosenId) ?? webhooks.data?.[0];
  return (
    <>
      <h1>Webhooks</h1>
      <ErrorNote error={webhooks.error} />
      {webhooks.isSuccess && webhooks.data.length === 0 && <p>No webhook endpoints.</p>}
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Webhook endpoints, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Endpoint</th>
              <th scope="col">Event types</th>
              <th scope="col">State</th>
              <th scope="col">Created</th>
              <th scope="col">Deliveries</th>
            </tr>
          </thead>
          <tbody>
            {webhooks.data?.map((webhook) => (
              <tr key={webhook.id}>
                <td>
                  <span className="mono url">{webhook.url}</span>
                  {webhook.description && <small> {webhook.description}</small>}
                </td>
                <td>
                  <ul className="plain">
                    {webhook.eventTypes.map((type) => (
                      <li key={type} className="mono">
                        {type}
                      </li>
                    ))}
                  </ul>
                </td>
                <td>{webhook.enabled ? 'enabled' : 'disabled'}</td>
                <td>{formatTime(webhook.createdAt)}</td>
                <td>
                  <button
                    type="button"
                    aria-pressed={webhook.id === chosen?.id}
                    aria-label={`Show deliveries to ${webhook.url}`}
                    onClick={() => setChosenId(webhook.id)}
                  >
                    Show
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {chosen && <Deliveries webhook={chosen} />}
    </>
  );
}

/** An endpoint's deliveries, newest first, with their attempts; redeliver for tenant admins. */
function Deliveries({ webhook }: { readonly webhook: Webhook }) {
  const { client, canAdminister } = useSession();
  const queryClient = useQueryClient();
  const key = ['webhooks', webhook.id, 'deliveries'];
  const deliveries = usePageList(key, () => client.webhooks.deliveries(webhook.id), 100, 5000);
  const redeliver = useMutation({
    mutationFn: (delivery: WebhookDelivery) => client.webhooks.redeliver(webhook.id, delivery.id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }),
  });
  return (
    <section aria-labelledby="deliveries-heading">
      <h2 id="deliveries-heading">
        Deliveries to <span className="mono url">{webhook.url}</span>
      </h2>
      <ErrorNote error={deliveries.error ?? redeliver.error} />
      {deliveries.isSuccess && deliveries.data.length === 0 && <p>No deliveries yet.</p>}
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Deliveries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Run</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Created</th>
              {canAdminister && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {deliveries.data?.map((delivery) => (
              <tr key={delivery.id} data-testid="delivery">
                <td className="mono">{delivery.eventType}</td>
                <td>
                  <Link to="/runs/$runId" params={{ runId: delivery.runId }} className="mono">
                    {shortId(delivery.runId)}
                  </Link>
                </td>
                <td>
                  <StatusBadge status={delivery.status} />
                </td>
                <td>
                  {delivery.attempts.length === 0 ? (
                    '—'
                  ) : (
                    <ol className="plain">
                      {delivery.attempts.map((attempt) => (
                        <li key={attempt.attempt}>
                          #{attempt.attempt}: {attempt.statusCode ?? 'no answer'}, {formatDuration(attempt.durationMs)}
                          {attempt.error && <span className="error-text"> — {attempt.error}</span>}
                        </li>
                      ))}
                    </ol>
                  )}
                </td>
                <td>{formatTime(delivery.createdAt)}</td>
                {canAdminister && (
                  <td>
                    <button
                      type="button"
                      disabled={redeliver.isPending}
                      aria-label={`Redeliver ${delivery.eventType} of run ${shortId(delivery.runId)}`}
                      onClick={() => redeliver.mutate(delivery)}
                    >
                      Redeliver
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
