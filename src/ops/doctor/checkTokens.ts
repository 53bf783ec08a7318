import { request, type Dispatcher } from 'undici';
import type { DiscordConfig, SlackConfig } from '../../config.js';
import type { CheckResult } from './types.js';

const TIMEOUT_MS = 10_000;

async function getJson(
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; dispatcher?: Dispatcher | undefined },
): Promise<{ status: number; body: unknown }> {
  const res = await request(url, {
    method: init.method,
    headers: init.headers,
    signal: AbortSignal.timeout(TIMEOUT_MS),
    ...(init.dispatcher ? { dispatcher: init.dispatcher } : {}),
  });
  const text = await res.body.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.statusCode, body };
}

const unreachable = (what: string, error: unknown): string =>
  `${what} did not answer (${error instanceof Error ? error.message : String(error)})`;

/** `GET /users/@me` with the bot token: the cheapest call that proves the token. */
export async function checkDiscordToken(config: DiscordConfig, dispatcher?: Dispatcher): Promise<CheckResult> {
  const name = 'discord token';
  try {
    const { status, body } = await getJson(`${config.apiUrl}/v10/users/@me`, {
      method: 'GET',
      headers: { authorization: `Bot ${config.token}` },
      dispatcher,
    });
    if (status === 200 && body && typeof body === 'object' && 'id' in body) {
      const user = body as { id: string; username?: string };
      if (user.id !== config.applicationId) {
        return {
          name,
          status: 'warn',
          detail: `token belongs to ${user.username ?? user.id} (${user.id}), not application ${config.applicationId}`,
          fix: 'Check DISCORD_APPLICATION_ID: it must be the id of the bot the token belongs to.',
        };
      }
      return { name, status: 'ok', detail: `logged in as ${user.username ?? user.id}` };
    }
    if (status === 401) return { name, status: 'fail', detail: 'Discord refused the token (401)', fix: 'Reset the token in the Discord developer portal (Bot → Reset Token) and set DISCORD_TOKEN.' };
    return { name, status: 'fail', detail: `Discord answered ${status}`, fix: 'Try again later; check DISCORD_API_URL if you set it.' };
  } catch (error) {
    return { name, status: 'fail', detail: unreachable('Discord', error), fix: 'Check the network and DISCORD_API_URL.' };
  }
}

/** `auth.test` with the bot token, and `apps.connections.open` with the app token in Socket Mode. */
export async function checkSlackTokens(config: SlackConfig, dispatcher?: Dispatcher): Promise<CheckResult[]> {
  const base = config.apiUrl ?? 'https://slack.com/api/';
  const results: CheckResult[] = [];
  try {
    const { body } = await getJson(`${base}auth.test`, { method: 'POST', headers: { authorization: `Bearer ${config.botToken}` }, dispatcher });
    const reply = (body ?? {}) as { ok?: boolean; error?: string; team?: string; user?: string };
    results.push(
      reply.ok
        ? { name: 'slack bot token', status: 'ok', detail: `${reply.user ?? 'bot'} in ${reply.team ?? 'workspace'}` }
        : {
            name: 'slack bot token',
            status: 'fail',
            detail: `Slack said ${reply.error ?? 'no'}`,
            fix: 'Copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions, reinstalling the app if needed.',
          },
    );
  } catch (error) {
    results.push({ name: 'slack bot token', status: 'fail', detail: unreachable('Slack', error), fix: 'Check the network and SLACK_API_URL.' });
  }
  if (config.mode === 'socket') {
    try {
      const { body } = await getJson(`${base}apps.connections.open`, { method: 'POST', headers: { authorization: `Bearer ${config.appToken}` }, dispatcher });
      const reply = (body ?? {}) as { ok?: boolean; error?: string };
      results.push(
        reply.ok
          ? { name: 'slack app token', status: 'ok', detail: 'Socket Mode connections allowed' }
          : {
              name: 'slack app token',
              status: 'fail',
              detail: `Slack said ${reply.error ?? 'no'}`,
              fix: 'Create an app-level token with the connections:write scope (Basic Information → App-Level Tokens) and enable Socket Mode.',
            },
      );
    } catch (error) {
      results.push({ name: 'slack app token', status: 'fail', detail: unreachable('Slack', error), fix: 'Check the network and SLACK_API_URL.' });
    }
  } else {
    results.push({
      name: 'slack signing secret',
      status: 'skip',
      detail: 'cannot be checked from here; Slack signs each request with it',
      fix: 'If requests are refused as badly signed, copy the Signing Secret from Basic Information.',
    });
  }
  return results;
}
