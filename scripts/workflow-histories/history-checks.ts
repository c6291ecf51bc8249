import { claimCheckEncoding } from '@agent-runtime/core';
import { encodingOf, payloadsOf } from '@agent-runtime/test-harness';
import type { temporal } from '@temporalio/proto';

/**
 * Refuses a history that cannot be committed: one with a claim-check payload (its blob is
 * not in git, so replay could not decode it) or one that holds a secret anywhere, in its
 * payloads (which the JSON file stores base64-encoded) or in its other fields.
 */
export function checkCommittable(history: temporal.api.history.v1.IHistory, secrets: readonly string[]): void {
  const payloads = payloadsOf(history);
  if (payloads.some((payload) => encodingOf(payload) === claimCheckEncoding)) {
    throw new Error('the history holds a claim-check payload: keep recorded runs small');
  }
  const decoder = new TextDecoder();
  const texts = [JSON.stringify(history), ...payloads.map((payload) => decoder.decode(payload.data ?? undefined))];
  for (const secret of secrets.filter((value) => value !== '')) {
    if (texts.some((text) => text.includes(secret))) throw new Error('the history holds a secret');
  }
}

/**
 * Replaces the given directories (the checkout, wherever it is) with `<repo>` in the stack
 * traces of recorded failures, so a history names no one's home directory and does not
 * change with the machine it was recorded on. Replay never reads stack traces.
 */
export function withoutLocalPaths(json: string, directories: readonly string[]): string {
  let scrubbed = json;
  // Longest first: one directory may hold another.
  for (const directory of [...directories].sort((a, b) => b.length - a.length)) {
    scrubbed = scrubbed.replaceAll(`file://${directory}`, '<repo>').replaceAll(directory, '<repo>');
  }
  return scrubbed;
}
