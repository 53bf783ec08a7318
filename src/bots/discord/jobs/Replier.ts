import type {
  InteractionDeferReplyOptions,
  InteractionEditReplyOptions,
  InteractionReplyOptions,
} from 'discord.js';

/**
 * The part of a discord.js interaction that answers it. Every repliable interaction (command,
 * button, modal submit) has it; naming the port keeps job delivery independent of which one it was.
 */
export interface Replier {
  readonly deferred: boolean;
  readonly replied: boolean;
  deferReply(options?: InteractionDeferReplyOptions): Promise<unknown>;
  reply(options: InteractionReplyOptions): Promise<unknown>;
  editReply(options: string | InteractionEditReplyOptions): Promise<unknown>;
  deleteReply(): Promise<void>;
  followUp(options: InteractionReplyOptions): Promise<unknown>;
}
