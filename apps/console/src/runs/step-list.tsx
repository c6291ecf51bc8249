import { memo } from 'react';
import { formatCost, formatDuration } from '../components/format.ts';
import { JsonBlock } from '../components/json-block.tsx';
import type { StepView } from './run-timeline.ts';

/** One step: the model's reply (streaming while it comes), its usage, and each tool call's input and output. */
const StepItem = memo(function StepItem({ view }: { readonly view: StepView; readonly version: string }) {
  return (
    <li className="step" data-step={view.step}>
      <h3>
        Step {view.step}
        <small>
          {' '}
          · {formatDuration(view.endedAt === undefined ? undefined : view.endedAt - view.startedAt)}
          {view.attempts > 1 && ` · ${view.attempts} attempts`}
          {view.usage &&
            ` · ${view.usage.inputTokens} in / ${view.usage.outputTokens} out · ${formatCost(view.usage.costUsd)}`}
        </small>
      </h3>
      {(view.text !== '' || view.streaming) && (
        <p className="model-text" aria-live={view.streaming ? 'polite' : 'off'} aria-busy={view.streaming}>
          {view.text}
          {view.streaming && <span className="cursor" aria-hidden="true" />}
        </p>
      )}
      {view.toolCalls.map((call) => (
        <details key={call.callId} className="tool-call">
          <summary>
            Tool <strong>{call.tool}</strong> ·{' '}
            {call.ok === undefined ? 'running' : call.ok ? 'ok' : `failed (${call.error?.code ?? 'error'})`} ·{' '}
            {formatDuration(call.endedAt === undefined ? undefined : call.endedAt - call.startedAt)}
            {call.attempts > 1 && ` · ${call.attempts} attempts`}
          </summary>
          <h4>Input</h4>
          <JsonBlock value={call.input} label={`Input of ${call.tool}`} />
          {call.ok !== undefined && (
            <>
              <h4>{call.ok ? 'Output' : 'Error'}</h4>
              <JsonBlock value={call.ok ? (call.output ?? null) : call.error} label={`Output of ${call.tool}`} />
            </>
          )}
        </details>
      ))}
    </li>
  );
});

/** What makes a step re-render: only steps that changed do, so a long run streams smoothly. */
function versionOf(view: StepView): string {
  return `${view.text.length}:${view.streaming}:${view.endedAt}:${view.toolCalls.map((call) => `${call.attempts}${call.ok}`).join()}`;
}

/** The run's steps in order. */
export function StepList({ steps }: { readonly steps: readonly StepView[] }) {
  if (steps.length === 0) return <p>No steps yet.</p>;
  return (
    <ol className="steps">
      {steps.map((view) => (
        <StepItem key={view.step} view={view} version={versionOf(view)} />
      ))}
    </ol>
  );
}
