import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ClaimCheckCodec, isClaimCheck, type BlobStore, type Database } from '@agent-runtime/core';
import type { Payload } from '@temporalio/common';
import type proto from '@temporalio/proto';
import { sql, type Kysely } from 'kysely';

/** Text gathered from one place a value must never reach, under a name for reports. */
export interface Haystack {
  readonly place: string;
  readonly text: string;
}

/**
 * The forms a leaked value may take: as is, base64 and base64url (also inside `Bearer …`,
 * whose base64 is aligned differently), hex and URL-encoded.
 */
export function leakForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const bearer = Buffer.from(`Bearer ${value}`, 'utf8');
  const forms = [
    value,
    bytes.toString('base64').replace(/=+$/, ''),
    bytes.toString('base64url'),
    bytes.toString('hex'),
    encodeURIComponent(value),
    // The part of `Bearer <value>`'s base64 that encodes only the value's bytes.
    bearer.toString('base64').slice(12, -4),
  ];
  return [...new Set(forms.filter((form) => form.length >= 8))];
}

/** The places (with the form found) where any form of `value` occurs. */
export function findLeaks(haystacks: readonly Haystack[], value: string): { place: string; form: string }[] {
  const forms = leakForms(value);
  const found: { place: string; form: string }[] = [];
  for (const haystack of haystacks) {
    const form = forms.find((candidate) => haystack.text.includes(candidate));
    if (form !== undefined) found.push({ place: haystack.place, form });
  }
  return found;
}

function isPayload(value: object): value is Payload {
  return 'data' in value && value.data instanceof Uint8Array && 'metadata' in value;
}

/**
 * All text of a workflow history: strings (failure messages, stack traces, names) and
 * every payload's data, claim checks redeemed from the blob store first. With `redeem`
 * false, claim checks are left as the references the history holds.
 */
export async function historyText(
  history: proto.temporal.api.history.v1.IHistory,
  blobs: BlobStore,
  options: { redeem?: boolean } = {},
): Promise<string> {
  const codec = new ClaimCheckCodec({ blobs });
  const parts: string[] = [];
  const visit = async (value: unknown): Promise<void> => {
    if (typeof value === 'string') {
      parts.push(value);
      return;
    }
    if (value instanceof Uint8Array) {
      parts.push(Buffer.from(value).toString('utf8'), Buffer.from(value).toString('base64'));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (isPayload(value) && isClaimCheck(value) && options.redeem !== false) {
      const [original] = await codec.decode([value]);
      await visit(original);
      return;
    }
    for (const nested of Object.values(value)) await visit(nested);
  };
  await visit(history);
  return parts.join('\n');
}

function cellText(value: unknown): string {
  if (value instanceof Uint8Array)
    return `${Buffer.from(value).toString('utf8')} ${Buffer.from(value).toString('base64')}`;
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Every row of every table of the database as text, one haystack per table; `skip` names
 * columns left out (`table.column`), such as the sealed values of the secrets table.
 */
export async function databaseHaystacks(db: Kysely<Database>, skip: readonly string[]): Promise<Haystack[]> {
  const { rows: tables } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
    order by table_name`.execute(db);
  const haystacks: Haystack[] = [];
  for (const { table_name: table } of tables) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    const text = rows
      .map((row) =>
        Object.entries(row)
          .filter(([column]) => !skip.includes(`${table}.${column}`))
          .map(([column, value]) => `${column}=${cellText(value)}`)
          .join(' '),
      )
      .join('\n');
    haystacks.push({ place: `database table ${table}`, text });
  }
  return haystacks;
}

/** Every file under a directory (the filesystem blob store), as text. */
export async function directoryHaystacks(directory: string): Promise<Haystack[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  const haystacks: Haystack[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const bytes = await readFile(file);
    haystacks.push({
      place: `file ${path.relative(directory, file)}`,
      text: `${bytes.toString('utf8')} ${bytes.toString('base64')}`,
    });
  }
  return haystacks;
}
