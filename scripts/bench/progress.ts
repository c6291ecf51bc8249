/** Counts finished units of work and shows how far along a phase is. */
export interface Progress {
  tick(): void;
  /** Ends the progress line. */
  done(): void;
}

/**
 * Progress of one phase on stderr: a line rewritten in place on a terminal, otherwise a line
 * at every tenth of the way, so logs of a CI run stay short.
 */
export function startProgress(label: string, total: number): Progress {
  const interactive = process.stderr.isTTY;
  const startedAt = performance.now();
  const every = Math.max(1, Math.ceil(total / 10));
  let finished = 0;
  const line = () => `  ${label}: ${finished}/${total} (${((performance.now() - startedAt) / 1000).toFixed(1)} s)`;
  return {
    tick() {
      finished += 1;
      if (interactive) process.stderr.write(`\r${line()}`);
      else if (finished % every === 0 || finished === total) process.stderr.write(`${line()}\n`);
    },
    done() {
      if (interactive) process.stderr.write(`\r${line()}\n`);
    },
  };
}
