/**
 * Loading a config from a file (YAML or JSON, by extension) or an object, into the
 * `ResolvedConfig` the engine reads. A syntax error names the file, line and column; a problem
 * found while resolving names the file, the line and column of the offending value, and its path.
 *
 * YAML is read as YAML 1.2 (so `mode: off` is the string "off", not `false`), with `<<` merge
 * keys, and duplicate keys are errors. JSON is parsed strictly by `JSON.parse`; the same YAML
 * reader then locates errors and catches duplicate keys, which `JSON.parse` silently lets through.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { ConfigError, type ConfigPath } from './config-defaults.ts';
import { resolveConfig } from './config-resolve.ts';
import type { BreakwaterConfig, ResolvedConfig } from './config-types.ts';
import type { Env } from './env-interpolate.ts';

export interface LoadOptions {
  /** Variables for `${NAME}` interpolation. @default process.env */
  env?: Env;
}

/** The repository's embedded default config (providers openai and anthropic, routes chat and smart). */
export const DEFAULT_CONFIG_FILE = fileURLToPath(
  new URL('../../config/default.yaml', import.meta.url),
);

interface Parsed {
  tree: unknown;
  locate: (path: ConfigPath) => { line: number; column: number } | undefined;
}

function readDocument(text: string, json: boolean): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: true,
    uniqueKeys: true,
    ...(json ? { schema: 'json' as const } : { merge: true, version: '1.2' as const }),
  });
  return { doc, lines };
}

function locator(doc: Document, lines: LineCounter): Parsed['locate'] {
  return (path) => {
    // The deepest node that exists: an unknown key's own node, or the closest parent.
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number] } | null;
      const offset = node?.range?.[0];
      if (offset !== undefined) {
        const pos = lines.linePos(offset);
        return { line: pos.line, column: pos.col };
      }
    }
    return undefined;
  };
}

function syntaxError(file: string, message: string, line?: number, column?: number): ConfigError {
  const where = line === undefined ? {} : { line, column: column ?? 1 };
  return new ConfigError({ path: [], message: `syntax error: ${message}`, ...where }, file);
}

/** ` "name"` for the mapping key written at `offset`, or nothing when it cannot be read. */
function keyAt(source: string, offset: number): string {
  const match = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^:\n]+?)\s*:/.exec(source.slice(offset));
  const key = match?.[1]?.replace(/^["']|["']$/g, '');
  return key ? ` ${JSON.stringify(key)}` : '';
}

/** Parses config text; `file` names it in errors and picks the format by extension. */
export function parseConfigText(source: string, file: string): Parsed {
  const ext = extname(file).toLowerCase();
  if (ext !== '.yaml' && ext !== '.yml' && ext !== '.json') {
    throw new ConfigError(
      { path: [], message: `unknown config format "${ext}" — use .yaml, .yml or .json` },
      file,
    );
  }
  const json = ext === '.json';
  let tree: unknown;
  if (json) {
    try {
      tree = JSON.parse(source);
    } catch (err) {
      const message = (err as Error).message;
      const at = /\(line (\d+) column (\d+)\)/.exec(message);
      if (at)
        throw syntaxError(file, message.replace(/ in JSON at position.*/, ''), +at[1]!, +at[2]!);
      // V8 gives no position for some errors ("Unexpected token"); the YAML reader finds it.
      const first = readDocument(source, true).doc.errors[0];
      const pos = first?.linePos?.[0];
      throw syntaxError(file, message.split(', "')[0] ?? message, pos?.line, pos?.col);
    }
  }
  const { doc, lines } = readDocument(source, json);
  const errors = json ? doc.errors.filter((e) => e.code === 'DUPLICATE_KEY') : doc.errors;
  const first = errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    const message =
      first.code === 'DUPLICATE_KEY'
        ? `duplicate key${keyAt(source, first.pos[0])} — keys must be unique in a mapping`
        : first.message;
    throw syntaxError(
      file,
      message.replace(/ at line \d+, column \d+:?[\s\S]*$/, ''),
      pos?.line,
      pos?.col,
    );
  }
  if (!json) tree = doc.toJS({ maxAliasCount: 100 });
  return { tree, locate: locator(doc, lines) };
}

/** Reads, parses and resolves a config file. Every error names the file. */
export async function loadConfigFile(
  path: string | URL,
  options: LoadOptions = {},
): Promise<ResolvedConfig> {
  const file = typeof path === 'string' ? path : fileURLToPath(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : (code ?? (err as Error).message);
    throw new ConfigError({ path: [], message: `cannot read the config file (${why})` }, file, err);
  }
  const { tree, locate } = parseConfigText(text, file);
  try {
    return resolveConfig(tree as BreakwaterConfig, options);
  } catch (err) {
    if (err instanceof ConfigError) throw err.withFile(file, locate);
    throw err;
  }
}

/** A config object (checked and resolved) or the path of a config file. */
export async function loadConfig(
  source: BreakwaterConfig | string | URL,
  options: LoadOptions = {},
): Promise<ResolvedConfig> {
  if (typeof source === 'string' || source instanceof URL) return loadConfigFile(source, options);
  return resolveConfig(source, options);
}
