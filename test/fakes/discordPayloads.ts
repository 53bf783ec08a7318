/**
 * Realistic Discord API objects for the fake Discord (test/fakes/discord.ts): users, members,
 * channels, guilds, messages and INTERACTION_CREATE payloads with every field discord.js 14 reads
 * (see docs/PLATFORM-NOTES.md, Discord).
 */
import type { APIAttachment, APIEmbed, APIMessage, APIUser } from 'discord.js';
import { snowflake } from './discordIds.js';

/** Every permission bit a bot usually has in a test channel (send, attach, embed, read history...). */
export const ALL_PERMISSIONS = '2251799813685247';
/** discord.js reads this when present; 10 MiB is the default for bots. */
export const DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

export type JsonObject = Record<string, unknown>;

/** A slash-command option value: text, number, attachment or user. */
export type OptionValue = string | number | boolean | APIAttachment | APIUser;

export function userObject(id: string, username: string, bot = false): APIUser {
  return {
    id,
    username,
    discriminator: '0',
    global_name: bot ? null : username,
    avatar: null,
    ...(bot ? { bot: true } : {}),
  };
}

export function memberObject(user: APIUser): JsonObject {
  return {
    user,
    roles: [],
    nick: null,
    avatar: null,
    joined_at: new Date(0).toISOString(),
    premium_since: null,
    deaf: false,
    mute: false,
    pending: false,
    flags: 0,
    permissions: ALL_PERMISSIONS,
  };
}

export function textChannelObject(id: string, guildId: string, name: string): JsonObject {
  return {
    id,
    type: 0,
    guild_id: guildId,
    name,
    position: 0,
    permission_overwrites: [],
    nsfw: false,
    parent_id: null,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
  };
}

export function guildObject(id: string, ownerId: string, channels: readonly JsonObject[]): JsonObject {
  return {
    id,
    name: 'Test Guild',
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [
      {
        id,
        name: '@everyone',
        color: 0,
        colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: '1071698660929',
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    // GUILD_CREATE extras.
    joined_at: new Date(0).toISOString(),
    large: false,
    unavailable: false,
    member_count: 2,
    voice_states: [],
    members: [],
    channels,
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export interface MessageInit {
  readonly id?: string;
  readonly channelId: string;
  readonly guildId?: string;
  readonly author: APIUser;
  readonly content?: string;
  readonly embeds?: readonly APIEmbed[];
  readonly components?: readonly unknown[];
  readonly attachments?: readonly APIAttachment[];
  readonly flags?: number;
  readonly messageReference?: JsonObject;
  readonly applicationId?: string;
  readonly interaction?: { readonly id: string; readonly type: number; readonly user: APIUser };
}

export function messageObject(init: MessageInit): APIMessage {
  const message: JsonObject = {
    id: init.id ?? snowflake(),
    channel_id: init.channelId,
    author: init.author,
    content: init.content ?? '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: init.attachments ?? [],
    embeds: init.embeds ?? [],
    components: init.components ?? [],
    pinned: false,
    type: init.messageReference ? 19 : 0,
    flags: init.flags ?? 0,
  };
  if (init.guildId) message.guild_id = init.guildId;
  if (init.messageReference) message.message_reference = init.messageReference;
  if (init.applicationId) {
    message.application_id = init.applicationId;
    message.webhook_id = init.applicationId;
  }
  if (init.interaction) {
    message.interaction_metadata = {
      id: init.interaction.id,
      type: init.interaction.type,
      user: init.interaction.user,
      authorizing_integration_owners: {},
    };
  }
  return message as unknown as APIMessage;
}

export interface InteractionInit {
  readonly applicationId: string;
  readonly type: number;
  readonly token: string;
  readonly id: string;
  readonly guildId: string;
  readonly channel: JsonObject;
  readonly user: APIUser;
  readonly data?: JsonObject;
  readonly message?: APIMessage;
  readonly attachmentSizeLimit?: number;
}

/** An INTERACTION_CREATE payload as a guild text channel sends it. */
export function interactionObject(init: InteractionInit): JsonObject {
  return {
    id: init.id,
    application_id: init.applicationId,
    type: init.type,
    token: init.token,
    version: 1,
    guild_id: init.guildId,
    guild: { id: init.guildId, locale: 'en-US', features: [] },
    channel_id: init.channel.id,
    channel: init.channel,
    member: memberObject(init.user),
    app_permissions: ALL_PERMISSIONS,
    locale: 'en-US',
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': init.guildId },
    context: 0,
    attachment_size_limit: init.attachmentSizeLimit ?? DEFAULT_ATTACHMENT_SIZE_LIMIT,
    ...(init.data ? { data: init.data } : {}),
    ...(init.message ? { message: init.message } : {}),
  };
}

export function encodeOption(
  name: string,
  value: OptionValue,
  resolved: { attachments: Record<string, APIAttachment>; users: Record<string, APIUser>; members: Record<string, JsonObject> },
): JsonObject {
  if (typeof value === 'string') return { name, type: 3, value };
  if (typeof value === 'number') return { name, type: Number.isInteger(value) ? 4 : 10, value };
  if (typeof value === 'boolean') return { name, type: 5, value };
  if ('filename' in value) {
    resolved.attachments[value.id] = value;
    return { name, type: 11, value: value.id };
  }
  resolved.users[value.id] = value;
  resolved.members[value.id] = { roles: [], joined_at: new Date(0).toISOString(), flags: 0, permissions: '0' };
  return { name, type: 6, value: value.id };
}

/** One modal component as Discord submits it: labels wrap their input, inputs carry values. */
export function submittedComponent(
  component: JsonObject,
  values: Readonly<Record<string, string | readonly APIAttachment[]>>,
  attachments: Record<string, APIAttachment>,
): JsonObject {
  if (component.component !== undefined) {
    return { type: component.type, id: component.id ?? 1, component: submittedComponent(component.component as JsonObject, values, attachments) };
  }
  if (Array.isArray(component.components)) {
    return { type: component.type, id: component.id ?? 1, components: (component.components as JsonObject[]).map((c) => submittedComponent(c, values, attachments)) };
  }
  const customId = typeof component.custom_id === 'string' ? component.custom_id : '';
  const value = values[customId];
  if (component.type === 19) {
    const files = Array.isArray(value) ? (value as readonly APIAttachment[]) : [];
    for (const file of files) attachments[file.id] = file;
    return { type: 19, id: component.id ?? 2, custom_id: customId, values: files.map((f) => f.id) };
  }
  return { type: component.type, id: component.id ?? 2, custom_id: customId, value: typeof value === 'string' ? value : '' };
}

export function sniffContentType(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 4).toString('latin1') === 'GIF8') return 'image/gif';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return undefined;
}
