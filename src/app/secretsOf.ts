import type { Config } from '../config.js';

/** Every configured secret value, so the logger can scrub it wherever it appears. */
export function secretsOf(config: Config): string[] {
  const out: string[] = [];
  if (config.provider.id !== 'offline') out.push(config.provider.apiKey);
  if (config.discord) out.push(config.discord.token);
  if (config.slack) {
    out.push(config.slack.botToken);
    out.push(config.slack.mode === 'socket' ? config.slack.appToken : config.slack.signingSecret);
  }
  if (config.metricsToken !== undefined) out.push(config.metricsToken);
  if (config.databaseUrl !== undefined) {
    out.push(config.databaseUrl);
    const password = passwordOf(config.databaseUrl);
    if (password) out.push(password);
  }
  return out;
}

/** The password in a database URL, as written and decoded. */
function passwordOf(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password === '' ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}
