import type { BaseInteraction } from 'discord.js';
import { accountKey, idempotencyKey } from '../../../core/credits/accountKey.js';
import type { GenerationIntent } from '../../../core/generation/types.js';

/** The Discord account that pays for (and owns) what an interaction asks for. */
export function accountOf(interaction: BaseInteraction): string {
  return accountKey.discord(interaction.user.id);
}

export function displayNameOf(interaction: BaseInteraction): string {
  return interaction.user.globalName ?? interaction.user.username;
}

/** Adapter-owned JSON stored with the job: where its messages go (never a token). */
export interface DiscordDestination {
  readonly channelId: string | null;
  readonly guildId: string | null;
  readonly userId: string;
  readonly interactionId: string;
  readonly replyToMessageId?: string;
}

/** Who asks and where results go; the idempotency key is the interaction id (DESIGN §3 step 1). */
export function requester(
  interaction: BaseInteraction,
  replyToMessageId?: string,
): Pick<GenerationIntent, 'idempotencyKey' | 'accountKey' | 'platform' | 'displayName' | 'destination'> {
  const destination: DiscordDestination = {
    channelId: interaction.channelId,
    guildId: interaction.guildId,
    userId: interaction.user.id,
    interactionId: interaction.id,
    ...(replyToMessageId ? { replyToMessageId } : {}),
  };
  return {
    idempotencyKey: idempotencyKey.discord(interaction.id),
    accountKey: accountOf(interaction),
    platform: 'discord',
    displayName: displayNameOf(interaction),
    destination: { ...destination },
  };
}

/** Reads back a stored destination; undefined fields when the job was not made by this adapter. */
export function destinationOf(destination: Readonly<Record<string, unknown>>): { channelId?: string; userId?: string } {
  const channelId = destination.channelId;
  const userId = destination.userId;
  return {
    ...(typeof channelId === 'string' ? { channelId } : {}),
    ...(typeof userId === 'string' ? { userId } : {}),
  };
}
