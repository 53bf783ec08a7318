import type { Dispatcher } from 'undici';
import { parseConfig, type Config } from '../../config.js';
import { ConfigError } from '../../core/errors.js';
import { loadPrices } from '../../app/createCore.js';
import { readModelsFile } from '../../app/catalogFiles.js';
import { checkDatabaseFile } from './checkDatabase.js';
import { checkPostgresDatabase } from './checkPostgres.js';
import { checkProviderKeys } from './checkProvider.js';
import { checkDiscordToken, checkSlackTokens } from './checkTokens.js';
import type { CheckResult } from './types.js';

/** Every doctor check, in order; a configuration failure stops the rest (they depend on it). */
export async function runDoctor(env: Readonly<Record<string, string | undefined>>, dispatcher?: Dispatcher): Promise<CheckResult[]> {
  let config: Config;
  try {
    config = parseConfig(env);
  } catch (error) {
    return failedConfig(configProblems(error));
  }
  // Both files are read, so that the problems of each are listed together.
  const { pricesFile, modelsFile } = config;
  const fileProblems = [
    ...problemsOf(() => loadPrices(pricesFile)),
    ...(modelsFile === undefined ? [] : problemsOf(() => readModelsFile(modelsFile))),
  ];
  if (fileProblems.length > 0) return failedConfig(fileProblems);
  const providers = `provider${config.providers.length > 1 ? 's' : ''} ${config.providers.map((p) => p.id).join(', ')}`;
  const platforms = [config.discord && 'discord', config.slack && `slack (${config.slack.mode} mode)`].filter(Boolean).join(', ');
  const results: CheckResult[] = [
    {
      name: 'config',
      status: platforms ? 'ok' : 'warn',
      detail: platforms ? `${providers}; platforms: ${platforms}` : `${providers}; no chat platform configured`,
      ...(platforms ? {} : { fix: 'Set DISCORD_TOKEN + DISCORD_APPLICATION_ID and/or SLACK_BOT_TOKEN (+ SLACK_APP_TOKEN or SLACK_SIGNING_SECRET).' }),
    },
    config.databaseUrl === undefined ? checkDatabaseFile(config) : await checkPostgresDatabase(config.databaseUrl),
    ...checkProviderKeys(config),
  ];
  const remote = await Promise.all([
    config.discord ? checkDiscordToken(config.discord, dispatcher).then((r) => [r]) : Promise.resolve([]),
    config.slack ? checkSlackTokens(config.slack, dispatcher) : Promise.resolve([]),
  ]);
  return [...results, ...remote.flat()];
}

/** The problems of a configuration error; anything else is a bug and goes on up. */
function configProblems(error: unknown): readonly string[] {
  if (error instanceof ConfigError) return error.problems;
  throw error;
}

function problemsOf(read: () => unknown): readonly string[] {
  try {
    read();
    return [];
  } catch (error) {
    return configProblems(error);
  }
}

const failedConfig = (problems: readonly string[]): CheckResult[] => problems.map((problem) => ({ name: 'config', status: 'fail', detail: problem }));

/** One line per check: `ok   name: detail`, failures followed by what to do. */
export function formatChecks(results: readonly CheckResult[]): string[] {
  return results.flatMap((r) => {
    const line = `${r.status.toUpperCase().padEnd(4)} ${r.name}: ${r.detail}`;
    return r.fix && r.status !== 'ok' ? [`${line} → ${r.fix}`] : [line];
  });
}
