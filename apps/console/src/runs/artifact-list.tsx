import type { Artifact } from '@agent-runtime/sdk';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ErrorNote } from '../components/error-note.tsx';
import { usePageList } from '../components/use-page-list.ts';
import { useSession } from '../session/session.tsx';

/** Largest artifact previewed in the page; bigger ones are only downloaded. */
const maxPreviewBytes = 256 * 1024;

function previewKind(artifact: Artifact): 'text' | 'json' | 'image' | undefined {
  if (artifact.size > maxPreviewBytes) return undefined;
  if (artifact.contentType.startsWith('image/') && artifact.contentType !== 'image/svg+xml') return 'image';
  if (artifact.contentType.includes('json')) return 'json';
  if (artifact.contentType.startsWith('text/')) return 'text';
  return undefined;
}

/** Downloads the artifact's bytes through the API (with the credential) and saves them under its name. */
async function download(bytes: Promise<Uint8Array>, artifact: Artifact): Promise<void> {
  const blob = new Blob([(await bytes) as Uint8Array<ArrayBuffer>], { type: artifact.contentType });
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = artifact.name;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Preview({ artifact }: { readonly artifact: Artifact }) {
  const { client } = useSession();
  const kind = previewKind(artifact);
  const content = useQuery({
    queryKey: ['artifact-content', artifact.id],
    enabled: kind !== undefined,
    queryFn: async () => {
      const answer = await client.artifacts.download(artifact.runId, artifact.id);
      return kind === 'image'
        ? new Blob([(await answer.bytes()) as Uint8Array<ArrayBuffer>], { type: artifact.contentType })
        : await answer.text();
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
  const [imageUrl, setImageUrl] = useState<string>();
  useEffect(() => {
    if (!(content.data instanceof Blob)) return;
    const url = URL.createObjectURL(content.data);
    setImageUrl(url);
    return () => URL.revokeObjectURL(url);
  }, [content.data]);
  if (kind === undefined) return <p>No preview ({artifact.contentType}).</p>;
  if (content.error) return <ErrorNote error={content.error} />;
  if (kind === 'image') return imageUrl ? <img src={imageUrl} alt={artifact.name} className="preview-image" /> : null;
  if (typeof content.data !== 'string') return <p>Loading…</p>;
  let text = content.data;
  if (kind === 'json') {
    try {
      text = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // Shown as it is.
    }
  }
  return (
    <pre className="json" tabIndex={0} aria-label={`Content of ${artifact.name}`}>
      {text}
    </pre>
  );
}

/** A run's artifacts: name, type and size, a preview on demand, and a download. */
export function ArtifactList({ runId }: { readonly runId: string }) {
  const { client } = useSession();
  const artifacts = usePageList(['artifacts', runId], () => client.artifacts.list(runId));
  const [error, setError] = useState<unknown>();
  if (!artifacts.data || artifacts.data.length === 0) return <p>No artifacts.</p>;
  return (
    <ul className="artifacts">
      {artifacts.data.map((artifact) => (
        <li key={artifact.id}>
          <details>
            <summary>
              <span className="mono">{artifact.name}</span> · {artifact.contentType} · {artifact.size} bytes
            </summary>
            <Preview artifact={artifact} />
          </details>
          <button
            type="button"
            onClick={() =>
              void download(
                client.artifacts.download(runId, artifact.id).then((answer) => answer.bytes()),
                artifact,
              ).catch(setError)
            }
          >
            Download {artifact.name}
          </button>
        </li>
      ))}
      <ErrorNote error={error} />
    </ul>
  );
}
