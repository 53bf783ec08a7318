import { AppError } from '../core/errors.js';

/**
 * Refuses a migration list that is not numbered 1, 2, 3… with no gaps: each engine's version is
 * the count of steps applied, so a gap or a swap would skip a step or run one twice.
 * @throws AppError `db_migrations_invalid`
 */
export function assertSequential(migrations: readonly { readonly version: number; readonly name: string }[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new AppError(
        'db_migrations_invalid',
        `Migration "${migration.name}" has version ${migration.version} but is number ${index + 1} in the list; ` +
          'migrations must be numbered 1, 2, 3… with no gaps.',
      );
    }
  });
}
