import { z } from 'zod';
import { artifactSources } from '../domain/artifact.ts';
import { storedRunEventSchema } from './run-event-envelope.ts';

/** `artifact.created`: an artifact of the run was stored; the event carries its metadata, never its content. */
export const artifactCreatedEventSchema = storedRunEventSchema({
  type: 'artifact.created',
  id: 'ArtifactCreatedEvent',
  description:
    'An artifact of the run was stored (`GET /v1/runs/{id}/artifacts/{artifactId}`): its metadata, never its content.',
  step: z.number().int().min(1).nullable().describe('The step whose tool call saved it; null for uploads'),
  data: z.strictObject({
    id: z.uuid(),
    name: z.string(),
    contentType: z.string(),
    size: z.number().int().min(0).describe('Length of the content in bytes'),
    sha256: z.string().describe('sha256 of the content, lowercase hex'),
    source: z.enum(artifactSources),
    toolCallId: z.string().optional().describe('The tool call that saved it; absent for uploads'),
  }),
});
