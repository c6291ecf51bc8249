import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The activities run every agent kind through the adapter interface and registry of
// @agent-runtime/agents (`adapterOf`): an adapter's code lives only in its folder there. This
// test keeps it so, whatever symbol a later change would reach for.

const activitiesDir = path.dirname(fileURLToPath(import.meta.url));
const agentsSrc = path.resolve(activitiesDir, '../../../../packages/agents/src');
const adaptersDir = path.join(agentsSrc, 'adapters');

/** Agent frameworks an adapter wraps: the activities reach them only through an adapter. */
const frameworkModules = /^(?:ai|@ai-sdk\/.*|@openai\/agents.*|@langchain\/.*)$/;

function parse(file: string, text = readFileSync(file, 'utf8')): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
}

const isExported = (node: ts.Node): boolean =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

/** The names a module declares and exports itself. */
function declaredExportsOf(file: string): string[] {
  const source = parse(file);
  return source.statements.flatMap((statement): string[] => {
    if (ts.isVariableStatement(statement) && isExported(statement)) {
      return statement.declarationList.declarations.map((declaration) => declaration.name.getText(source));
    }
    if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isEnumDeclaration(statement)) &&
      isExported(statement) &&
      statement.name
    ) {
      return [statement.name.text];
    }
    return [];
  });
}

/**
 * What @agent-runtime/agents exports from inside one adapter's folder (`adapters/<kind>/…`):
 * the symbols specific to an adapter, named by the package's entry point.
 */
function adapterSpecificExports(): Map<string, string> {
  const folders = readdirSync(adaptersDir, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  const byName = new Map<string, string>();
  const index = parse(path.join(agentsSrc, 'index.ts'));
  for (const statement of index.statements) {
    if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier) continue;
    const target = path.resolve(agentsSrc, (statement.moduleSpecifier as ts.StringLiteral).text);
    const folder = folders.find((entry) => target.startsWith(path.join(adaptersDir, entry.name) + path.sep));
    if (!folder) continue;
    const names =
      statement.exportClause && ts.isNamedExports(statement.exportClause)
        ? statement.exportClause.elements.map((element) => element.name.text)
        : declaredExportsOf(target);
    for (const name of names) byName.set(name, folder.name);
  }
  return byName;
}

/** The imports of one source file that break the rule, as `specifier: name` lines. */
function forbiddenImportsOf(source: ts.SourceFile, adapterSpecific: ReadonlyMap<string, string>): string[] {
  return source.statements.flatMap((statement): string[] => {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) return [];
    const specifier = statement.moduleSpecifier;
    if (!specifier || !ts.isStringLiteral(specifier)) return [];
    const from = specifier.text;
    if (frameworkModules.test(from)) return [`${from}: an agent framework`];
    if (from.startsWith('@agent-runtime/agents/') || from.includes('packages/agents/')) {
      return [`${from}: a file inside @agent-runtime/agents`];
    }
    if (from !== '@agent-runtime/agents') return [];
    const clause = ts.isImportDeclaration(statement) ? statement.importClause?.namedBindings : statement.exportClause;
    // A namespace, a default or a side-effect import, or a re-export of everything: names nothing checkable.
    if (!clause || ts.isNamespaceImport(clause) || ts.isNamespaceExport(clause)) return [`${from}: not by name`];
    return clause.elements.flatMap((element) => {
      const name = (element.propertyName ?? element.name).text;
      const folder = adapterSpecific.get(name);
      return folder === undefined ? [] : [`${from}: ${name} (of adapters/${folder}/)`];
    });
  });
}

describe('the worker activities', () => {
  const adapterSpecific = adapterSpecificExports();

  it('know the adapter-specific symbols the package exports', () => {
    // Without these, the check below would pass for the wrong reason. (The builtin loop exports nothing.)
    expect(new Set(adapterSpecific.values())).toEqual(
      new Set(['code', 'http', 'ai-sdk', 'openai-agents', 'langgraph']),
    );
    expect(adapterSpecific.get('CodeAgent')).toBe('code');
    expect(adapterSpecific.get('KyselyCheckpointSaver')).toBe('langgraph');
    const probe = parse(
      'probe.ts',
      "import { adapterOf, type OpenAiAgent } from '@agent-runtime/agents';\nimport { tool } from 'ai';",
    );
    expect(forbiddenImportsOf(probe, adapterSpecific)).toEqual([
      '@agent-runtime/agents: OpenAiAgent (of adapters/openai-agents/)',
      'ai: an agent framework',
    ]);
  });

  it('import no adapter-specific symbol: every agent kind runs through the adapter registry', () => {
    const files = readdirSync(activitiesDir).filter((name) => name.endsWith('.ts'));
    const forbidden = files.flatMap((name) =>
      forbiddenImportsOf(parse(path.join(activitiesDir, name)), adapterSpecific).map((line) => `${name}: ${line}`),
    );
    expect(forbidden).toEqual([]);
  });
});
