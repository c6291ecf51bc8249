import { AppError } from '@agent-runtime/core';
import type { FastifyRequest } from 'fastify';

/**
 * Deepest nesting of arrays and objects a request may carry. Validation walks JSON
 * recursively and would exhaust the stack a few thousand levels down (a 500); no real input
 * comes near this.
 */
export const maxJsonDepth = 256;

/** A problem found in a request, at its path. */
export interface InputProblem {
  readonly path: string;
  readonly message: string;
}

function isPlainContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (Array.isArray(value)) return true;
  if (value === null || typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * What in `root` cannot be validated or stored: strings (values or keys) holding U+0000,
 * and nesting deeper than {@link maxJsonDepth}. Walked without recursion, so a deep body
 * cannot exhaust the stack here; streams and other non-plain objects (an artifact upload's
 * body) are not looked into.
 */
export function unstorableInputOf(part: string, root: unknown): InputProblem[] {
  const found: InputProblem[] = [];
  const nul = 'must not contain U+0000 (NUL)';
  const pending: [path: string, value: unknown, depth: number][] = [[part, root, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [path, value, depth] = next;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) found.push({ path, message: nul });
    } else if (isPlainContainer(value)) {
      if (depth >= maxJsonDepth) {
        found.push({ path, message: `must not nest arrays and objects more than ${maxJsonDepth} levels deep` });
        continue;
      }
      for (const [key, child] of Object.entries(value)) {
        if (key.includes('\u0000')) found.push({ path: `${path}.${key}`, message: nul });
        pending.push([`${path}.${key}`, child, depth + 1]);
      }
    }
  }
  return found;
}

/**
 * A `preValidation` hook answering 422 `validation_failed` for a path, query or JSON body
 * that {@link unstorableInputOf} refuses: PostgreSQL stores U+0000 in neither `text` nor
 * `jsonb`, and overly deep JSON would fail validation itself; either would otherwise end as
 * a 500 deep inside a handler. The document states both rules in its description.
 */
export async function rejectUnstorableInput(request: FastifyRequest): Promise<void> {
  const errors = [
    ...unstorableInputOf('params', request.params),
    ...unstorableInputOf('querystring', request.query),
    ...unstorableInputOf('body', request.body),
  ];
  if (errors.length === 0) return;
  throw new AppError('validation_failed', 'the request holds text or nesting that cannot be stored', { errors });
}
