import { createHash } from 'node:crypto';

/** Longest function name OpenAI and Anthropic accept. */
const maxNameLength = 64;
/** What OpenAI and Anthropic accept as a function name. */
const providerSafeName = /^[A-Za-z0-9_-]{1,64}$/;
/** Hex digits of the hash that tells apart names that would otherwise be sent alike. */
const hashLength = 8;

/**
 * The tool names of one model call as the provider sees them. Declared names (`remote.add`,
 * or a 97-character MCP name) are not all valid function names, so each is sent under a
 * provider-safe name and the model's calls are mapped back: the rest of the runtime only ever
 * sees declared names.
 */
export interface ModelToolNames {
  /** The name a declared tool is offered, and its earlier calls replayed, under. */
  toModel(declaredName: string): string;
  /** The declared name behind a name the model called; a name never offered comes back unchanged. */
  toDeclared(modelName: string): string;
}

function hashOf(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * The name with every character a provider rejects replaced by `_`, never empty: two tools
 * whose names clean up alike would reach the model as one (`transfer.to.x`, `transfer_to_x`).
 */
export function sanitizedToolName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_') || '_';
}

/** `base` cut short enough to take `_<hash>` (from `seed`) and stay within the limit. */
function hashed(base: string, seed: string, length = hashLength): string {
  return `${base.slice(0, maxNameLength - length - 1)}_${hashOf(seed).slice(0, length)}`;
}

/**
 * Provider-safe names for the tools of one call, deterministic in the set of names (not
 * their order), so every step of a run maps its tools alike. A name that is already safe is
 * sent as it is. Any other has its rejected characters replaced by `_`; when that is too
 * long or would be sent alike with another tool, it is cut and suffixed with a short hash of
 * the declared name.
 */
export function modelToolNamesOf(declaredNames: Iterable<string>): ModelToolNames {
  const names = [...new Set(declaredNames)].sort();
  const toModel = new Map<string, string>();
  const toDeclared = new Map<string, string>();
  const assign = (declared: string, modelName: string) => {
    toModel.set(declared, modelName);
    toDeclared.set(modelName, declared);
  };
  for (const name of names) if (providerSafeName.test(name)) assign(name, name);

  const unsafe = names.filter((name) => !toModel.has(name));
  const basesSeen = new Map<string, number>();
  for (const name of unsafe) basesSeen.set(sanitizedToolName(name), (basesSeen.get(sanitizedToolName(name)) ?? 0) + 1);
  for (const name of unsafe) {
    const base = sanitizedToolName(name);
    let candidate = base;
    if (base.length > maxNameLength || basesSeen.get(base) !== 1 || toDeclared.has(base)) {
      candidate = hashed(base, name);
      // Two hashes alike in their first digits: lengthen the hash until the name is free.
      for (let length = hashLength + 1; toDeclared.has(candidate); length += 1) {
        candidate = hashed(base, name, length);
      }
    }
    assign(name, candidate);
  }

  return {
    toModel: (declaredName) =>
      toModel.get(declaredName) ??
      // A name the call does not offer (an earlier call of an unknown tool): safe, not reversible.
      (providerSafeName.test(declaredName) ? declaredName : hashed(sanitizedToolName(declaredName), declaredName)),
    toDeclared: (modelName) => toDeclared.get(modelName) ?? modelName,
  };
}
