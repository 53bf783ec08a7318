import type { SlackFileLike } from './SlackFiles.js';

/**
 * What the "Edit image" modal carries to its submission: a view_submission has no channel, so the
 * target message's channel, thread and files travel in `private_metadata`.
 */
export interface EditMetadata {
  readonly channel: string;
  /** The thread the result goes to: the message's thread, or the message itself. */
  readonly threadTs: string;
  readonly files: readonly SlackFileLike[];
}

/** Slack's limit for `private_metadata`. */
export const PRIVATE_METADATA_MAX = 3000;

type Packed = { c: string; t: string; f: (string | number | null)[][] };

/**
 * Packs the metadata. When the file URLs do not fit in 3,000 characters, only the file ids are
 * kept and the submission asks `files.info` for the rest.
 */
export function encodeEditMetadata(m: EditMetadata): string {
  const full: Packed = {
    c: m.channel,
    t: m.threadTs,
    f: m.files.map((f) => [f.id, f.url_private_download ?? f.url_private ?? null, f.name ?? null, f.size ?? null, f.mimetype ?? null]),
  };
  const text = JSON.stringify(full);
  if (text.length <= PRIVATE_METADATA_MAX) return text;
  return JSON.stringify({ c: m.channel, t: m.threadTs, f: m.files.map((f) => [f.id]) } satisfies Packed);
}

export function decodeEditMetadata(text: string): EditMetadata | undefined {
  let packed: unknown;
  try {
    packed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof packed !== 'object' || packed === null) return undefined;
  const { c, t, f } = packed as Partial<Packed>;
  if (typeof c !== 'string' || typeof t !== 'string' || !Array.isArray(f)) return undefined;
  const files: SlackFileLike[] = [];
  for (const entry of f) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') return undefined;
    const [id, url, name, size, mimetype] = entry;
    files.push({
      id,
      ...(typeof url === 'string' ? { url_private_download: url } : {}),
      ...(typeof name === 'string' ? { name } : {}),
      ...(typeof size === 'number' ? { size } : {}),
      ...(typeof mimetype === 'string' ? { mimetype } : {}),
    });
  }
  return { channel: c, threadTs: t, files };
}
