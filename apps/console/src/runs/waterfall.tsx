import { memo } from 'react';
import { formatDuration } from '../components/format.ts';
import { waterfallOf, type RunTimeline } from './run-timeline.ts';

/**
 * The waterfall of step and tool durations: one bar per span, placed on the run's time axis.
 * Drawn again only when a stored event came (`spanVersion`), not for each piece of text.
 */
export const Waterfall = memo(function Waterfall({
  timeline,
  startedAt,
}: {
  readonly timeline: RunTimeline;
  readonly startedAt: number;
  readonly spanVersion: number;
}) {
  const bars = waterfallOf(timeline, startedAt);
  if (bars.length === 0) return <p>No steps yet.</p>;
  const now = Date.now() - startedAt;
  const total = Math.max(1, ...bars.map((bar) => bar.offsetMs + (bar.durationMs ?? now - bar.offsetMs)));
  return (
    <ol className="waterfall" aria-label="Step durations">
      {bars.map((bar, index) => {
        const duration = bar.durationMs ?? Math.max(0, now - bar.offsetMs);
        return (
          <li key={index} className={`bar-${bar.kind}`}>
            <span className="bar-label">
              {bar.label}
              {bar.retried && ' (retried)'}
            </span>
            <span className="bar-track" aria-hidden="true">
              <span
                className="bar"
                style={{
                  marginLeft: `${(bar.offsetMs / total) * 100}%`,
                  width: `${Math.max(0.3, (duration / total) * 100)}%`,
                }}
              />
            </span>
            <span className="bar-duration">{formatDuration(bar.durationMs)}</span>
          </li>
        );
      })}
    </ol>
  );
});
