import { userInfo } from 'node:os';
import { createCore, type Core } from '../app/createCore.js';
import { loadConfig, readEnvironment } from '../config.js';
import { formatChecks, runDoctor } from '../ops/doctor/runDoctor.js';
import { AppError, ConfigError } from '../core/errors.js';
import { createLogger } from '../logger.js';
import { secretsOf } from '../app/secretsOf.js';
import { creditsCommand } from './commands/credits.js';
import { dbCommand } from './commands/db.js';
import { discordCommand } from './commands/discord.js';
import { generateCommand } from './commands/generate.js';
import { jobsCommand } from './commands/jobs.js';
import { processIO, type CliIO } from './io.js';
import { USAGE, UsageError } from './usage.js';

function osUserName(): string {
  try {
    return userInfo().username.replace(/[^A-Za-z0-9._-]/g, '_') || 'local';
  } catch {
    return 'local';
  }
}

async function dispatch(core: Core, command: string, rest: readonly string[], io: CliIO): Promise<number> {
  switch (command) {
    case 'generate':
      return generateCommand(core, rest, io, osUserName());
    case 'credits':
      return creditsCommand(core, rest, io, osUserName());
    case 'jobs':
      return jobsCommand(core, rest, io);
    case 'db':
      return dbCommand(core, rest, io);
    case 'discord':
      return discordCommand(core, rest, io);
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

/** Runs the CLI; resolves to the process exit code (0 ok, 1 run-time failure, 2 bad arguments or configuration). */
export async function runCli(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'doctor') return doctor(io);
  let core: Core | undefined;
  try {
    const config = loadConfig();
    // Commands print their own results; the log is for problems only unless asked for more.
    const logger = createLogger({
      level: config.logLevel === 'info' ? 'warn' : config.logLevel,
      secrets: secretsOf(config),
      destination: process.stderr,
    });
    if (!['generate', 'credits', 'jobs', 'db', 'discord'].includes(command)) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    core = await createCore(config, { logger, role: 'cli' });
    // Jobs of CLI processes that died give their credits back now, bot or no bot.
    await core.generation.recoverInterrupted('cli');
    const active = core;
    const onSignal = (): void => {
      // Ctrl-C mid-job: settle the job as interrupted so its credits come back, then leave.
      void active.generation
        .shutdown(0)
        .then(() => active.close())
        .finally(() => process.exit(130));
    };
    process.once('SIGINT', onSignal);
    try {
      return await dispatch(core, command, rest, io);
    } finally {
      process.off('SIGINT', onSignal);
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(error.message);
      return 2;
    }
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      io.err(`nano-imagine: ${error.message}`);
      return 2;
    }
    if (error instanceof AppError) {
      io.err(`nano-imagine: ${error.message}`);
      return error.code === 'invalid_input' ? 2 : 1;
    }
    io.err(`nano-imagine: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await core?.close();
  }
}

/** `doctor`: one line per check; exit 1 when any check failed. */
async function doctor(io: CliIO): Promise<number> {
  const results = await runDoctor(readEnvironment());
  for (const line of formatChecks(results)) io.out(line);
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}
