/**
 * A `Content-Disposition: attachment` header value (RFC 6266) for a file name: a plain
 * ASCII `filename` for old clients (anything else replaced by `_`) and the exact name as
 * UTF-8 in `filename*` (RFC 8187).
 */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
