export { createWorker, type CreatedWorker, type WorkerDependencies } from './create-worker.ts';
export { runWorkerProcess, type WorkerProcessOptions, type WorkerRegistrations } from './run-worker-process.ts';
export {
  createActivities,
  type ActivityDependencies,
  type AgentRunActivities,
} from './activities/create-activities.ts';
export type * from './activities/activity-types.ts';
export { fastRecoveryOptions, recoveryWorkerOptions, type RecoveryWorkerOptions } from './worker-tuning.ts';
