// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noPlatform = {
  group: ['discord.js', 'discord.js/*', '@discordjs/*', '@slack/*'],
  message: 'src/core and src/db must not depend on a chat platform.',
};
const noAdapters = { group: ['**/bots/**'], message: 'src/core and src/db must not import adapters.' };
const noSqlite = { name: 'better-sqlite3', message: 'Only src/db talks to SQLite.' };
const noPostgres = { name: 'pg', message: 'Only src/db talks to PostgreSQL.' };

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bin/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
    },
  },
  {
    // The core knows nothing of chat platforms and writes no SQL.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noSqlite, noPostgres], patterns: [noPlatform, noAdapters] }],
    },
  },
  {
    files: ['src/db/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noPlatform, noAdapters] }] },
  },
  {
    // Only src/db writes SQL.
    files: ['src/bots/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noSqlite, noPostgres] }] },
  },
  {
    // Only src/config.ts reads the environment.
    files: ['src/**/*.ts'],
    ignores: ['src/config.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through src/config.ts.' },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // vitest's asymmetric matchers (expect.any, expect.stringMatching) are typed `any`.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    files: ['eslint.config.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Plain-JS scripts run by node directly (benchmark children); TypeScript checks the rest.
    files: ['**/*.mjs'],
    rules: { 'no-undef': 'off', 'no-console': 'off' },
  },
);
