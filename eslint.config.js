// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// Workflow code is replayed deterministically inside Temporal's sandbox: anything that does I/O,
// reads clocks or randomness outside the SDK, or drags Node built-ins into the bundle breaks replay
// or the bundle itself. Workflows reach the outside world only through activities.
// Only bare names are listed; every `node:` specifier is caught by a pattern below.
const bareNodeBuiltins = builtinModules.filter((name) => !name.startsWith('node:'));
const ioModules = [
  'pg',
  'kysely',
  '@electric-sql/pglite',
  'pino',
  'fastify',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  'ioredis',
];
const workflowFenceMessage = 'Workflow code must stay deterministic and bundle-safe: do I/O in an activity instead.';

const consoleFenceMessage = 'The console runs in browsers over the SDK: no Node built-ins, no other runtime package.';

const sdkFenceMessage = 'The SDK runs in browsers and ships alone: no Node built-ins, no other runtime package.';

/** Repository functions that change a run's state: only the run service calls them. */
const runServiceOwnsRuns = {
  name: '@agent-runtime/core',
  importNames: [
    'applyRunTransition',
    'transitionRun',
    'createRun',
    'addPendingApproval',
    'resolvePendingApproval',
    'admitQueuedRuns',
    'insertRunIfSlotFree',
    'startRunWorkflow',
  ],
  message: 'Runs change state only through the run service: call createRunService(…) instead.',
};

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    // The peers of `npm run bench -- --phases peers`: their own install and tsconfig.
    'scripts/bench/peers/',
    '.tools/',
    '.agent-runtime/',
    '.data/',
    'coverage/',
    'apps/console/dist/',
    // Written by `npm run sdk:generate` from the OpenAPI document; a test keeps it current.
    'packages/sdk/src/generated/',
  ]),
  js.configs.recommended,
  {
    files: ['**/*.ts', 'apps/console/src/**/*.tsx'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      // One root tsconfig covers every workspace, so the project service finds types for all of them.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      // Without these, import-x treats `.ts` files as unparseable and no-cycle silently sees no edges.
      'import-x/extensions': ['.ts', '.tsx'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      // The TypeScript resolver understands `.ts` specifiers and follows workspace packages through
      // their `exports`, so cycles are detected across package boundaries too.
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      // A dropped promise is an unhandled rejection or a race; await it or mark it with `void`.
      '@typescript-eslint/no-floating-promises': 'error',
      // Async callbacks where void callbacks are expected (event handlers, forEach) lose their errors.
      '@typescript-eslint/no-misused-promises': 'error',
      // With verbatimModuleSyntax, a type imported as a value is a runtime import: keep them explicit.
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports' },
      ],
      // `import { type A }` still loads the module at runtime; `import type { A }` does not.
      '@typescript-eslint/no-import-type-side-effects': 'error',
      // The package graph is the architecture (core ← agents ← worker, core ← api): no cycles.
      'import-x/no-cycle': 'error',
    },
  },
  {
    // One owner per concept: a run is created, moved and closed only by the run service
    // (packages/core/src/runs). Tests may still write fixtures with these.
    files: ['services/**/*.ts', 'packages/*/src/**/*.ts', 'apps/**/*.ts'],
    ignores: ['**/*.test.ts', 'packages/core/src/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: [runServiceOwnsRuns] }] },
  },
  {
    // The package graph is the architecture: core <- api. The API never imports an adapter,
    // a model or a tool's code (a later block of the same rule replaces the one above, so it
    // is repeated here).
    files: ['services/api/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            runServiceOwnsRuns,
            { name: '@agent-runtime/agents', message: 'The API never imports agent, model or tool code.' },
          ],
          patterns: [
            { group: ['@agent-runtime/agents/*'], message: 'The API never imports agent, model or tool code.' },
          ],
        },
      ],
    },
  },
  {
    // The SDK ships alone and runs in browsers too: only what Node 24 and browsers both have
    // (fetch, streams, AbortSignal, TextDecoder), and no other package of the runtime; its
    // types come from the generated OpenAPI types.
    files: ['packages/sdk/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: bareNodeBuiltins.map((name) => ({ name, message: sdkFenceMessage })),
          patterns: [
            { group: ['node:*'], message: sdkFenceMessage },
            { group: ['@agent-runtime/*'], message: sdkFenceMessage },
          ],
        },
      ],
    },
  },
  {
    // The console is a browser app over the SDK (sdk <- console): no Node built-ins and no
    // other package of the runtime; what it shows comes from the API.
    files: ['apps/console/src/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: bareNodeBuiltins.map((name) => ({ name, message: consoleFenceMessage })),
          patterns: [
            { group: ['node:*'], message: consoleFenceMessage },
            { group: ['@agent-runtime/*', '!@agent-runtime/sdk'], message: consoleFenceMessage },
          ],
        },
      ],
    },
  },
  {
    files: ['services/*/src/workflows/**'],
    // Tests kept next to workflows run in Node and drive them from outside the sandbox.
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [...bareNodeBuiltins, ...ioModules].map((name) => ({ name, message: workflowFenceMessage })),
          patterns: [
            { group: ['node:*'], message: workflowFenceMessage },
            { group: ioModules.map((name) => `${name}/*`), message: workflowFenceMessage },
            {
              // Types describe activities and inputs; values would pull database and logger code in.
              // The run, MCP tool listing, retention and scheduled run contracts (names, constants,
              // a pure timeout) and the run error code catalog are plain constants: allowed.
              regex:
                '^@agent-runtime/(?!core/((agent-run|mcp-tool-listing|retention|scheduled-run)-contract|run-error-codes)$)',
              allowTypeImports: true,
              message: 'Workflows may import only types from @agent-runtime packages.',
            },
          ],
        },
      ],
    },
  },
);
