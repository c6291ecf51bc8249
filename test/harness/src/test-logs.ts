import { openSync, writeSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { createLogger, type Logger } from '@agent-runtime/core';
import { inject } from 'vitest';
import { repoRoot } from './repo-root.ts';

// What the services a test starts log (its loggers, the Temporal dev server, the API and worker
// processes) goes to one file per test run instead of the console, so that a passing run prints
// little beyond vitest's summary and a failure stands out; the file is there to read after.

/** Where the test runs' log files are kept (`.data/` is ignored by git). */
export const testLogDirectory = path.join(repoRoot, '.data/test-logs');

/** Log files of earlier runs kept besides the new one. */
const keptEarlierLogs = 9;

/**
 * Names the log file of a new test run (the global setup's job; whoever appends first creates
 * it) and removes all but the most recent earlier ones.
 * @returns the file's path
 */
export async function createTestLogFile(now = new Date()): Promise<string> {
  await mkdir(testLogDirectory, { recursive: true });
  const earlier = (await readdir(testLogDirectory)).filter((name) => name.endsWith('.log')).sort();
  const stale = earlier.slice(0, Math.max(0, earlier.length - keptEarlierLogs));
  await Promise.all(stale.map((name) => rm(path.join(testLogDirectory, name), { force: true })));
  return path.join(testLogDirectory, `${now.toISOString().replaceAll(':', '-')}-${process.pid}.log`);
}

// Opened once per test file's process: every logger and child process of that file appends to
// it (O_APPEND keeps the lines of concurrent writers whole).
let openedLog: number | undefined;

/** A descriptor appending to this test run's log file (provided by the global setup as `testLogFile`). */
export function testLogFd(): number {
  openedLog ??= openSync(inject('testLogFile'), 'a');
  return openedLog;
}

/** Appends `text` to this test run's log file (a header before a child process's output, say). */
export function appendTestLog(text: string): void {
  writeSync(testLogFd(), text.endsWith('\n') ? text : `${text}\n`);
}

/** A logger at `level` appending its JSON lines to the file open as `fd`. */
export function fileLogger(fd: number, name: string, level = 'warn'): Logger {
  return createLogger(level, name, { write: (line: string) => void writeSync(fd, line) });
}

/** A logger at `level` writing its JSON lines to this test run's log file. */
export function testLogger(name: string, level = 'warn'): Logger {
  return fileLogger(testLogFd(), name, level);
}
