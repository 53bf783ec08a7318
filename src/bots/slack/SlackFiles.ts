import type { webApi } from '@slack/bolt';
import type { ReferenceSource } from '../../core/generation/types.js';

/** The fields of a Slack file object this adapter reads (message files, file_input files, files.info). */
export interface SlackFileLike {
  readonly id: string;
  readonly name?: string | undefined;
  readonly mimetype?: string | undefined;
  readonly size?: number | undefined;
  readonly url_private?: string | undefined;
  readonly url_private_download?: string | undefined;
  /** `check_file_info` (Slack Connect): no URLs here; ask `files.info`. */
  readonly file_access?: string | undefined;
}

/** Hosts Slack serves private files from; only these ever see the bot token. */
const SLACK_FILE_HOST = /(^|\.)slack(-gov)?\.com$/;

/**
 * Turns Slack files into reference sources the core downloads: the private URL plus the bot token
 * (`files:read`), asking `files.info` first when the payload carries no URL. The token is attached
 * only for Slack's own hosts (or the configured API origin, a proxy or test server).
 */
export class SlackFiles {
  readonly #client: webApi.WebClient;
  readonly #botToken: string;
  readonly #apiOrigin: string | undefined;

  constructor(client: webApi.WebClient, botToken: string, apiUrl: string | undefined) {
    this.#client = client;
    this.#botToken = botToken;
    this.#apiOrigin = apiUrl === undefined ? undefined : new URL(apiUrl).origin;
  }

  /** Files that are images, or may be (their details are behind `files.info`). */
  static imageCandidates<F extends SlackFileLike>(files: readonly F[] | undefined): F[] {
    return (files ?? []).filter((f) => f.file_access === 'check_file_info' || (f.mimetype ?? '').startsWith('image/'));
  }

  /** A reference for a Slack file, calling `files.info` when the file came without URLs. */
  async reference(file: SlackFileLike): Promise<ReferenceSource> {
    const full = urlOf(file) === undefined ? await this.info(file.id) : file;
    const url = urlOf(full);
    if (url === undefined) throw new Error(`Slack gave no download URL for file ${file.id}`);
    return {
      url,
      headers: this.headersFor(url),
      ...(full.name === undefined ? {} : { name: full.name }),
      ...(full.size === undefined ? {} : { declaredSize: full.size }),
      ...(full.mimetype === undefined ? {} : { declaredType: full.mimetype }),
    };
  }

  /** A reference for a URL stored with an earlier job (a reroll reuses its parent's references). */
  referenceForUrl(url: string, name: string): ReferenceSource {
    return { url, name, headers: this.headersFor(url) };
  }

  async info(id: string): Promise<SlackFileLike> {
    const result = await this.#client.files.info({ file: id });
    if (!result.file?.id) throw new Error(`files.info returned no file for ${id}`);
    return result.file as SlackFileLike;
  }

  headersFor(url: string): Record<string, string> {
    return this.#trusted(url) ? { Authorization: `Bearer ${this.#botToken}` } : {};
  }

  #trusted(url: string): boolean {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (parsed.origin === this.#apiOrigin) return true;
    return parsed.protocol === 'https:' && SLACK_FILE_HOST.test(parsed.hostname);
  }
}

function urlOf(file: SlackFileLike): string | undefined {
  return file.url_private_download ?? file.url_private;
}
