import { runWorkerProcess } from './run-worker-process.ts';

// Composition root of a worker process (production mode). Run as many as you like.
await runWorkerProcess();
