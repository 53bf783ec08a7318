import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument, type YAMLError } from 'yaml';
import { CatalogFileError, parseModelsFile, parsePricesFile, type ModelsFile, type PricesFile } from '../core/catalog/modelsFile.js';
import { ConfigError } from '../core/errors.js';

/**
 * Reads the operator's catalog files: `MODELS_FILE` and `PRICES_FILE`, in YAML or JSON. Every
 * problem (unreadable, a syntax error with its line and column, each invalid entry) becomes one
 * line of a {@link ConfigError}, so the operator fixes them all in one go and never sees a stack.
 */

/**
 * Reads and validates `MODELS_FILE`.
 * @throws ConfigError
 */
export function readModelsFile(path: string): ModelsFile {
  return readCatalogFile('MODELS_FILE', path, parseModelsFile);
}

/**
 * Reads and validates `PRICES_FILE` (today's JSON format included: `{"nbpro": {"1K": 5}}`).
 * @throws ConfigError
 */
export function readPricesFile(path: string): PricesFile {
  return readCatalogFile('PRICES_FILE', path, parsePricesFile);
}

type Variable = 'MODELS_FILE' | 'PRICES_FILE';

function readCatalogFile<T>(variable: Variable, path: string, parse: (value: unknown) => T): T {
  const where = `${variable} ${path}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError([`${where} cannot be read (${reason}): fix the path or its permissions, or unset ${variable}.`]);
  }
  const value = parseText(text, extname(path).toLowerCase());
  if (!value.ok) throw new ConfigError(value.problems.map((p) => `${where}: ${p}`));
  try {
    return parse(value.value);
  } catch (error) {
    if (error instanceof CatalogFileError) throw new ConfigError(error.problems.map((p) => `${where}: ${sentence(p)}`));
    throw error;
  }
}

type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problems: readonly string[] };

/** `.json` as JSON, `.yaml`/`.yml` as YAML; any other name is tried as JSON, then as YAML. */
function parseText(text: string, extension: string): Parsed {
  if (extension === '.json') return parseJson(text);
  if (extension === '.yaml' || extension === '.yml') return parseYaml(text);
  const json = parseJson(text);
  if (json.ok) return json;
  const yaml = parseYaml(text);
  return yaml.ok ? yaml : { ok: false, problems: yaml.problems.map((p) => p.replace('is not valid YAML', 'is neither JSON nor valid YAML')) };
}

function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    // V8 names a character offset for most syntax errors; the operator needs a line and column.
    const message = (error as Error).message;
    const offset = /at position (\d+)/.exec(message);
    const at = offset ? ` at ${lineAndColumn(text, Number(offset[1]))}` : '';
    return { ok: false, problems: [`is not valid JSON${at} (${message.replace(/ in JSON at position \d+.*$/, '')}): fix the syntax.`] };
  }
}

/**
 * YAML 1.2 with the core schema: `2026-06-25` stays a string (no timestamps), `16:9` stays a ratio
 * (no base-60 numbers), `no` stays a word. Repeated keys are an error, as a typo must not pass.
 */
function parseYaml(text: string): Parsed {
  const doc = parseDocument(text, { version: '1.2', schema: 'core', uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) return { ok: false, problems: doc.errors.map((error) => yamlProblem(text, error)) };
  return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) as unknown };
}

function yamlProblem(text: string, error: YAMLError): string {
  return `is not valid YAML at ${lineAndColumn(text, error.pos[0])} (${error.message}): fix the syntax.`;
}

/** 1-based line and column of a character offset. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

/** A validation problem as a sentence of the ConfigError list. */
const sentence = (problem: string) => (/[.!?]$/.test(problem) ? problem : `${problem}.`);
