import type { Config } from '../config.js';

/** Every configured secret value, so the logger can scrub it wherever it appears. */
export function secretsOf(config: Config): string[] {
  const out: string[] = [];
  for (const p of config.providers) if (p.id !== 'offline') out.push(...p.apiKeys);
  if (config.discord) out.push(config.discord.token);
  if (config.slack) {
    out.push(config.slack.botToken);
    out.push(config.slack.mode === 'socket' ? config.slack.appToken : config.slack.signingSecret);
  }
  if (config.metricsToken !== undefined) out.push(config.metricsToken);
  if (config.databaseUrl !== undefined) {
    out.push(config.databaseUrl);
    out.push(...passwordsOf(config.databaseUrl));
  }
  return out;
}

/** The password in a database URL, as written and decoded. */
function passwordsOf(url: string): string[] {
  try {
    const written = new URL(url).password;
    return written === '' ? [] : [...new Set([written, decodeURIComponent(written)])];
  } catch {
    return [];
  }
}
