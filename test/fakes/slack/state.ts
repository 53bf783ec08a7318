/** The fake workspace: channels, users, files, messages, views and every recorded Web API call. */

export const FAKE_TEAM = 'T0FAKE';
export const FAKE_APP = 'A0FAKE';
export const FAKE_BOT_USER = 'U0BOT';
export const FAKE_BOT_ID = 'B0BOT';
export const FAKE_BOT_NAME = 'nano-imagine';

export interface FakeChannel {
  readonly id: string;
  readonly name: string;
  isMember: boolean;
  readonly isPrivate: boolean;
  readonly isIm: boolean;
  isArchived: boolean;
}

export interface FakeUser {
  readonly id: string;
  readonly name: string;
}

export interface FakeFile {
  readonly id: string;
  readonly name: string;
  readonly mimetype: string;
  bytes: Buffer | undefined;
  /** Declared length (getUploadURLExternal) or the bytes' length. */
  size: number;
  readonly user: string;
  readonly title: string;
  readonly altText: string | undefined;
  /** Slack Connect style: payloads carry no URLs, `files.info` must be asked. */
  readonly checkFileInfo: boolean;
  readonly channels: string[];
  deleted: boolean;
}

export interface FakeMessage {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs: string | undefined;
  readonly user: string;
  text: string;
  blocks: unknown;
  readonly files: readonly string[];
  deleted: boolean;
}

export interface FakeEphemeral {
  readonly channel: string;
  readonly user: string;
  readonly text: string;
  readonly threadTs: string | undefined;
}

/** A view as Slack holds it; `view_submission` payloads are built from it. */
export interface FakeView {
  readonly id: string;
  readonly team_id: string;
  readonly app_id: string;
  readonly bot_id: string;
  readonly type: string;
  readonly callback_id: string;
  readonly private_metadata: string;
  readonly blocks: unknown[];
  readonly title: unknown;
  readonly submit: unknown;
  readonly close: unknown;
  readonly hash: string;
  readonly root_view_id: string;
  readonly previous_view_id: string | null;
  readonly state: { values: Record<string, unknown> };
}

/** One Web API call as the fake saw it (tokens are recorded so tests can assert which one was used). */
export interface ApiCall {
  readonly method: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly token: string | undefined;
  readonly response: Readonly<Record<string, unknown>>;
}

/** A download of a private file. */
export interface FileDownload {
  readonly fileId: string;
  readonly authorized: boolean;
}

/** A scripted refusal or HTTP failure for the next call of a method. */
export type ApiFailure = { readonly error: string } | { readonly status: number };

export class FakeState {
  readonly channels = new Map<string, FakeChannel>();
  readonly users = new Map<string, FakeUser>();
  readonly files = new Map<string, FakeFile>();
  readonly messages: FakeMessage[] = [];
  readonly ephemerals: FakeEphemeral[] = [];
  readonly views = new Map<string, FakeView>();
  readonly homes = new Map<string, unknown>();
  readonly usedTriggers = new Set<string>();
  /** Socket Mode URLs `apps.connections.open` issued that no connection used yet (single-use). */
  readonly socketTickets = new Set<string>();
  readonly downloads: FileDownload[] = [];
  readonly responses: { readonly path: string; readonly body: unknown }[] = [];
  readonly failures = new Map<string, ApiFailure[]>();
  #seq = 0;

  next(prefix: string): string {
    this.#seq += 1;
    return `${prefix}${String(this.#seq).padStart(6, '0')}`;
  }

  ts(): string {
    this.#seq += 1;
    return `${1_700_000_000 + this.#seq}.${String(this.#seq).padStart(6, '0')}`;
  }

  /** Why the bot cannot post in `id`, or undefined when it can. */
  refusePost(id: string): string | undefined {
    const channel = this.channels.get(id);
    if (!channel) return 'channel_not_found';
    if (channel.isArchived) return 'is_archived';
    if (!channel.isMember) return 'not_in_channel';
    return undefined;
  }
}
