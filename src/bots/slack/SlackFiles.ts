import type { webApi } from '@slack/bolt';
import { ValidationError } from '../../core/errors.js';
import type { ReferenceSource } from '../../core/generation/types.js';
import { originOf } from '../../core/net/checkFetchUrl.js';
import { FOREIGN_REFERENCE_TEXT } from '../../core/userText.js';

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

/** Where Slack serves private files (`url_private`), on Slack and on GovSlack. */
const SLACK_FILE_ORIGINS: readonly string[] = ['https://files.slack.com', 'https://files.slack-gov.com'];

/**
 * Turns Slack files into reference sources the core downloads: the private URL plus the bot token
 * (`files:read`), asking `files.info` first when the payload carries no URL. Only Slack's file hosts
 * (or the configured API origin, a proxy or test server) are downloaded from, so only they ever see
 * the token; any other URL is refused.
 */
export class SlackFiles {
  readonly #client: webApi.WebClient;
  readonly #botToken: string;
  readonly #origins: ReadonlySet<string>;

  constructor(client: webApi.WebClient, botToken: string, apiUrl: string | undefined) {
    this.#client = client;
    this.#botToken = botToken;
    const api = apiUrl === undefined ? undefined : originOf(apiUrl);
    this.#origins = new Set(api === undefined ? SLACK_FILE_ORIGINS : [...SLACK_FILE_ORIGINS, api]);
  }

  /** Files that are images, or may be (their details are behind `files.info`). */
  static imageCandidates<F extends SlackFileLike>(files: readonly F[] | undefined): F[] {
    return (files ?? []).filter((f) => f.file_access === 'check_file_info' || (f.mimetype ?? '').startsWith('image/'));
  }

  /**
   * A reference for a Slack file, calling `files.info` when the file came without URLs.
   * @throws ValidationError `foreign_file` (`FOREIGN_REFERENCE_TEXT.foreign_file`) when the URL is not Slack's.
   */
  async reference(file: SlackFileLike): Promise<ReferenceSource> {
    const full = urlOf(file) === undefined ? await this.info(file.id) : file;
    const url = urlOf(full);
    if (url === undefined) throw new Error(`Slack gave no download URL for file ${file.id}`);
    return {
      url,
      headers: this.#headersFor(url),
      ...(full.name === undefined ? {} : { name: full.name }),
      ...(full.size === undefined ? {} : { declaredSize: full.size }),
      ...(full.mimetype === undefined ? {} : { declaredType: full.mimetype }),
    };
  }

  /**
   * A reference for a URL stored with an earlier job (a reroll reuses its parent's references).
   * @throws ValidationError `foreign_file` when the URL is not Slack's.
   */
  referenceForUrl(url: string, name: string): ReferenceSource {
    return { url, name, headers: this.#headersFor(url) };
  }

  async info(id: string): Promise<SlackFileLike> {
    const result = await this.#client.files.info({ file: id });
    if (!result.file?.id) throw new Error(`files.info returned no file for ${id}`);
    return result.file as SlackFileLike;
  }

  /** Whether `url` is on one of Slack's file hosts or the API origin (scheme and port included). */
  isSlackFile(url: string): boolean {
    const origin = originOf(url);
    return origin !== undefined && this.#origins.has(origin);
  }

  #headersFor(url: string): Record<string, string> {
    if (!this.isSlackFile(url)) throw new ValidationError(FOREIGN_REFERENCE_TEXT.foreign_file, { code: 'foreign_file' });
    return { Authorization: `Bearer ${this.#botToken}` };
  }
}

function urlOf(file: SlackFileLike): string | undefined {
  return file.url_private_download ?? file.url_private;
}
