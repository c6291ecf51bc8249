import { ToolError, type ArtifactToSave } from '@agent-runtime/agents';
import { AppError, storeArtifact, type Artifact } from '@agent-runtime/core';
import { createEventPublisher, type ActivityDependencies } from './activity-support.ts';
import type { RunRef } from './activity-types.ts';

/** The tool call an artifact belongs to. */
export interface ToolCallOrigin {
  readonly ref: RunRef;
  readonly step: number;
  readonly callId: string;
}

/** The default of `ActivityDependencies.artifactMaxBytes`: 100 MiB. */
const defaultArtifactMaxBytes = 100 * 1024 * 1024;

/**
 * `ToolContext.saveArtifact` for one tool call. The dedupe key `tool:<step>:<callId>:<name>`
 * makes a retried attempt of the call answer the artifact its first attempt saved, so a
 * retry never stores a second copy nor records a second `artifact.created` event.
 */
export function createArtifactSaver(
  dependencies: ActivityDependencies,
  origin: ToolCallOrigin,
): (artifact: ArtifactToSave) => Promise<Artifact> {
  const { db, blobs } = dependencies;
  const publish = createEventPublisher(dependencies);
  const { ref, step, callId } = origin;
  return async (artifact) => {
    try {
      const stored = await storeArtifact(
        { db, blobs },
        {
          tenantId: ref.tenantId,
          runId: ref.runId,
          name: artifact.name,
          contentType: artifact.contentType,
          content: typeof artifact.content === 'string' ? Buffer.from(artifact.content, 'utf8') : artifact.content,
          maxBytes: dependencies.artifactMaxBytes ?? defaultArtifactMaxBytes,
          source: artifact.source ?? 'tool',
          step,
          toolCallId: callId,
          dedupeKey: `tool:${step}:${callId}:${artifact.name}`,
        },
      );
      publish(ref.runId, stored.events);
      return stored.artifact;
    } catch (error) {
      // What no retry can fix goes back to the model, which can pick another name or size.
      if (error instanceof AppError && error.code === 'validation_failed') {
        throw new ToolError('invalid_artifact', error.message);
      }
      if (error instanceof AppError && error.code === 'payload_too_large') {
        throw new ToolError('artifact_too_large', error.message);
      }
      throw error;
    }
  };
}
