export { buildApp } from './app.ts';
export type { ApiDependencies, ApiInstance, LiveOptions } from './app-types.ts';
export { startRunReconciler, type RunReconcilerOptions } from './run-reconciler.ts';
