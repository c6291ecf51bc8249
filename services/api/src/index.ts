export { buildApp } from './app.ts';
export type { ApiDependencies, ApiInstance } from './app-types.ts';
export { startRunReconciler, type RunReconcilerOptions } from './run-reconciler.ts';
