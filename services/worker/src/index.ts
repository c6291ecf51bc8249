export { createWorker, type CreatedWorker, type WorkerDependencies } from './create-worker.ts';
export { runWorkerProcess, type WorkerProcessOptions } from './run-worker-process.ts';
export {
  loadAgentsModule,
  mergeWorkerRegistrations,
  resolveWorkerRegistrations,
  validateWorkerRegistrations,
  type WorkerRegistrations,
} from './worker-registrations.ts';
export {
  createActivities,
  type ActivityDependencies,
  type AgentRunActivities,
} from './activities/create-activities.ts';
export type * from './activities/activity-types.ts';
export { fastRecoveryOptions, recoveryWorkerOptions, type RecoveryWorkerOptions } from './worker-tuning.ts';
