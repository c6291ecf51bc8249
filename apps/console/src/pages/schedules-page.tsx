import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ErrorNote } from '../components/error-note.tsx';
import { formatJson, formatTime, shortId } from '../components/format.ts';
import { usePageList } from '../components/use-page-list.ts';
import { useSession } from '../session/session.tsx';

/** The tenant's schedules: when they fire, paused or not; pause, unpause and trigger for those who may. */
export function SchedulesPage() {
  const { client, canWrite } = useSession();
  const queryClient = useQueryClient();
  const schedules = usePageList(['schedules'], () => client.schedules.list());
  const change = useMutation({
    mutationFn: async ({ id, action }: { id: string; action: 'pause' | 'unpause' | 'trigger' }) => {
      if (action === 'trigger') await client.schedules.trigger(id);
      else await client.schedules[action](id);
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['schedules'] }),
  });
  return (
    <>
      <h1>Schedules</h1>
      <ErrorNote error={schedules.error ?? change.error} />
      {schedules.isSuccess && schedules.data.length === 0 && <p>No schedules.</p>}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Schedule</th>
              <th scope="col">When</th>
              <th scope="col">State</th>
              <th scope="col">Created</th>
              {canWrite && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {schedules.data?.map((schedule) => (
              <tr key={schedule.id}>
                <td className="mono">{shortId(schedule.id)}</td>
                <td>
                  <code>{formatJson(schedule.spec).replace(/\s+/g, ' ')}</code>
                </td>
                <td>{schedule.paused ? `paused${schedule.note ? `: ${schedule.note}` : ''}` : 'active'}</td>
                <td>{formatTime(schedule.createdAt)}</td>
                {canWrite && (
                  <td>
                    <button
                      type="button"
                      onClick={() => change.mutate({ id: schedule.id, action: schedule.paused ? 'unpause' : 'pause' })}
                    >
                      {schedule.paused ? 'Unpause' : 'Pause'}
                    </button>{' '}
                    <button type="button" onClick={() => change.mutate({ id: schedule.id, action: 'trigger' })}>
                      Run now
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
