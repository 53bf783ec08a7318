import type { Logger } from 'pino';

/** What {@link superviseProcess} needs of `process`; tests may pass their own. */
export interface SupervisedProcess {
  once(event: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  on(event: 'uncaughtException', listener: (error: Error, origin: string) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  exit(code: number): void;
}

export interface SuperviseOptions {
  readonly logger: Logger;
  /** The graceful shutdown (the app's `stop()`): jobs settled or released, connections closed, database closed. */
  readonly stop: () => Promise<void>;
  /** After a failure, how long `stop` may take before the process exits anyway. */
  readonly forceExitAfterMs: number;
  /** @defaultValue the real process */
  readonly process?: SupervisedProcess;
}

export interface Supervisor {
  /** Runs the shutdown once and exits with the highest code asked for (a later failure still turns 0 into 1). */
  shutdown(reason: string, exitCode: 0 | 1): void;
}

/**
 * One way out of the process. SIGTERM and SIGINT run the graceful shutdown and exit 0. An uncaught
 * exception or unhandled rejection is logged, then runs the *same* shutdown — so running jobs are
 * settled or released and the database is closed — and exits 1, for the supervisor (compose
 * `restart: unless-stopped`, systemd `Restart=on-failure`) to start a fresh process. Continuing after
 * an uncaught error is unsafe, and exiting at once would leave credits held until the next start.
 * A shutdown that hangs after a failure is cut short after `forceExitAfterMs`.
 */
export function superviseProcess(o: SuperviseOptions): Supervisor {
  const proc = o.process ?? process;
  let exitCode = 0;
  let stopping = false;
  let forced: NodeJS.Timeout | undefined;

  const shutdown = (reason: string, code: 0 | 1): void => {
    exitCode = Math.max(exitCode, code);
    if (code !== 0 && forced === undefined) {
      forced = setTimeout(() => {
        o.logger.fatal({ reason, afterMs: o.forceExitAfterMs }, 'shutdown did not finish in time: exiting');
        proc.exit(exitCode);
      }, o.forceExitAfterMs);
    }
    if (stopping) return;
    stopping = true;
    o.logger.info({ reason }, 'shutting down');
    o.stop().then(
      () => {
        o.logger.info({ exitCode }, 'stopped');
        proc.exit(exitCode);
      },
      (error: unknown) => {
        o.logger.error({ err: error }, 'shutdown failed');
        proc.exit(1);
      },
    );
  };

  // `once`: a second signal gets Node's default action, so an impatient operator can still force it.
  proc.once('SIGTERM', () => shutdown('SIGTERM', 0));
  proc.once('SIGINT', () => shutdown('SIGINT', 0));
  proc.on('uncaughtException', (error, origin) => {
    o.logger.fatal({ err: error, origin }, 'uncaught error: shutting down');
    shutdown('uncaught error', 1);
  });
  proc.on('unhandledRejection', (reason) => {
    o.logger.fatal({ err: reason }, 'unhandled rejection: shutting down');
    shutdown('unhandled rejection', 1);
  });
  return { shutdown };
}
