import { DiscordAPIError, HTTPError, RESTJSONErrorCodes } from 'discord.js';

/** Interaction tokens ride in webhook and callback paths; they must never reach a log line. */
const TOKEN_IN_PATH = /\/(webhooks|interactions)\/(\d+)\/[^/?\s]+/g;

/** A URL or message with interaction tokens replaced by `[token]`. */
export function redactTokens(text: string): string {
  return text.replace(TOKEN_IN_PATH, '/$1/$2/[token]');
}

/**
 * What to log about an error from discord.js: code, status and route, never the request body (it may
 * hold file bytes) nor the token in the URL.
 */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof DiscordAPIError) {
    return { name: error.name, code: error.code, status: error.status, method: error.method, url: redactTokens(error.url), message: error.message };
  }
  if (error instanceof HTTPError) {
    return { name: error.name, status: error.status, method: error.method, url: redactTokens(error.url), message: error.message };
  }
  if (error instanceof Error) {
    return { name: error.name, message: redactTokens(error.message), ...(error.stack ? { stack: redactTokens(error.stack) } : {}) };
  }
  return { message: redactTokens(String(error)) };
}

/** Discord refused an interaction-token call because the token is past its 15 minutes (or unknown). */
export function isTokenExpired(error: unknown): boolean {
  if (!(error instanceof DiscordAPIError)) return false;
  return (
    error.status === 401 ||
    error.code === RESTJSONErrorCodes.InvalidWebhookToken ||
    error.code === RESTJSONErrorCodes.UnknownWebhook ||
    error.code === RESTJSONErrorCodes.UnknownInteraction
  );
}
