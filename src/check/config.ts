/**
 * Configuration of `reprov check`: `reprov.config.json`, or a `"reprov"` key in package.json.
 *
 * Discovery walks up from the working directory to the filesystem root; in each directory a
 * reprov.config.json comes before a package.json with a `"reprov"` key, and the first found wins
 * (configurations are not merged). The file is JSON with comments, like tsconfig.json: `//` and
 * `/* *\/` comments and trailing commas are accepted (see init.ts for why). It is validated with
 * ajv against the shipped schema (schemas/reprov-config.schema.json, compiled once), then for what
 * a schema cannot say (secret patterns must be regular expressions, shape paths must exist).
 * Unknown rule ids are left to the engine, which knows the rules (`unknownRuleIds`, `checkRuleIds`).
 *
 * Every problem is a ConfigError, one line: `<file>:<line:column>: <problem>` for a syntax error,
 * `<file>:<JSON pointer>: <problem>` for anything else (the pointer starts with `/reprov` in
 * package.json).
 *
 * Glob patterns (`ignore`, `overrides[].files`) are picomatch globs matched against bundle paths
 * relative to the configuration file's directory, with forward slashes, dot files included. As in
 * .gitignore, a pattern without a slash matches a file or directory name at any depth, a leading
 * `/` anchors a pattern to the configuration's directory, a trailing `/` matches directories only,
 * and a pattern that matches a directory applies to everything under it. (node's path.matchesGlob
 * is experimental in Node 20 and prints an ExperimentalWarning, hence picomatch.)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Ajv, AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv';
import { requireOnUse } from '../base/require-on-use.js';
import { ParseErrorCode, parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import type { SecretPattern } from '../base/redact.js';
import { formatDiagnostic, jsonPointer, lineColumn } from '../base/diagnostics.js';
import { PACKAGE_ROOT } from '../base/package-root.js';
import { UserError } from '../base/user-error.js';
import type { Severity } from './types.js';
import { didYouMean } from '../base/suggest.js';

export const CONFIG_FILE = 'reprov.config.json';
export const CONFIG_SCHEMA_PATH = join(PACKAGE_ROOT, 'schemas', 'reprov-config.schema.json');
/**
 * What `reprov init` writes as `$schema` when no reprov is installed in a node_modules above the
 * directory (a Python project, a global install): the schema this reprov ships, as a file: URL
 * (the package has no published schema URL).
 */
export const CONFIG_SCHEMA_REF = pathToFileURL(CONFIG_SCHEMA_PATH).href;

/** `off` disables a rule; a severity replaces the rule's own. */
export type RuleSetting = 'off' | Severity;
export const RULE_ID = /^RPV-[A-Z][0-9]{3}$/;

export interface ConfigOverride {
  /** Glob patterns of the bundle paths the entry applies to. */
  files: string[];
  rules: Record<string, RuleSetting>;
}

export interface ConfigSecretPattern {
  name: string;
  /** A JavaScript regular expression source (checked when the configuration loads). */
  pattern: string;
}

/** The configuration as written (validated): every field optional; the engine and CLI supply defaults. */
export interface ReprovConfig {
  $schema?: string;
  rules?: Record<string, RuleSetting>;
  /** Fail when a bundle's score is below this (0-100). */
  minScore?: number;
  /** Fail when a finding of this severity or worse is found; `none`: never on findings. */
  failOn?: 'error' | 'warning' | 'none';
  /** Fail when there are more warnings than this. */
  maxWarnings?: number;
  /** Glob patterns of bundle paths not to check. */
  ignore?: string[];
  /** Rule settings for some bundles, applied in order over `rules`. */
  overrides?: ConfigOverride[];
  /** Extra SHACL shape files or directories, relative to the configuration's directory. */
  shapes?: string[];
  secretPatterns?: ConfigSecretPattern[];
}

export interface LoadedConfig {
  config: ReprovConfig;
  /** Absolute path of the file the configuration came from; undefined when none was found (defaults). */
  file?: string;
  /** The file as messages name it: as given, or relative to the working directory when discovered. */
  name?: string;
  /** Directory that paths and globs in the configuration are relative to: the file's, else the working directory. */
  dir: string;
  /** JSON pointer of the configuration inside its file: `''`, or `/reprov` in package.json. */
  pointer: string;
}

/**
 * A problem with the configuration: the CLI prints the message (`file:location: problem`) as one
 * line and exits 2.
 */
export class ConfigError extends UserError {
  readonly file: string;
  /** `line:column`, a JSON pointer, or empty when the problem is the file itself. */
  readonly location: string;
  readonly problem: string;

  constructor(file: string, location: string, problem: string) {
    super(formatDiagnostic({ file, location, message: problem }));
    this.name = 'ConfigError';
    this.file = file;
    this.location = location;
    this.problem = problem;
  }
}

// ---------------------------------------------------------------------------------------------
// Discovery and loading

/**
 * The configuration file that applies to `startDir`: walking up to the filesystem root, the first
 * directory with a reprov.config.json, or with a package.json that has a `"reprov"` key, gives it
 * (reprov.config.json first). Undefined when there is none.
 */
export function findConfig(startDir: string): string | undefined {
  let dir = resolve(startDir);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE);
    if (isFile(candidate)) return candidate;
    const packageJson = join(dir, 'package.json');
    if (isFile(packageJson) && hasReprovKey(packageJson)) return packageJson;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Whether a package.json has a `"reprov"` key. One that does not parse counts when it seems to have
 *  one, so that loading it reports the syntax error instead of silently skipping the configuration. */
function hasReprovKey(path: string): boolean {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return false;
  }
  try {
    // Nearly every package.json is plain JSON, which JSON.parse reads far faster than jsonc-parser.
    const doc = plainJson(text) ?? parseJsonc(text, false);
    return isObject(doc) && Object.hasOwn(doc, 'reprov');
  } catch {
    return /"reprov"\s*:/.test(text);
  }
}

function plainJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Loads the configuration: the file at `path` (relative to `cwd`) when given, else the one
 * `findConfig(cwd)` finds, else the default configuration (empty: every field has its default).
 * Throws a ConfigError for a file that cannot be read, does not parse or is not valid.
 */
export function loadConfig(path?: string, options: { cwd?: string } = {}): LoadedConfig {
  const cwd = resolve(options.cwd ?? process.cwd());
  const file = path === undefined ? findConfig(cwd) : resolve(cwd, path);
  if (file === undefined) return { config: {}, dir: cwd, pointer: '' };
  const name = path ?? (relative(cwd, file) || file);

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a configuration file' : `cannot read: ${(error as Error).message}`;
    throw new ConfigError(name, '', problem);
  }
  const isPackageJson = basename(file) === 'package.json';
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let doc: unknown;
  try {
    // Duplicate keys are reported in reprov's own file; package.json is npm's to police.
    doc = parseJsonc(body, !isPackageJson);
  } catch (error) {
    if (!(error instanceof JsoncSyntaxError)) throw error;
    throw new ConfigError(name, lineColumn(body, error.offset), `invalid JSON: ${error.message}`);
  }

  let raw = doc;
  let pointer = '';
  if (isPackageJson) {
    if (!isObject(doc) || !Object.hasOwn(doc, 'reprov')) throw new ConfigError(name, '', 'has no "reprov" key');
    raw = doc.reprov;
    pointer = '/reprov';
  }
  const dir = dirname(file);
  const problem = schemaProblem(raw) ?? semanticProblem(raw as ReprovConfig, dir);
  if (problem) throw new ConfigError(name, pointer + problem.location, problem.message);
  return { config: raw as ReprovConfig, file, name, dir, pointer };
}

/** A ConfigError about the loaded configuration, at a JSON pointer relative to the configuration (as
 *  `unknownRuleIds` gives). For a default configuration the file is named `reprov.config.json`. */
export function configError(loaded: LoadedConfig, pointer: string, problem: string): ConfigError {
  return new ConfigError(loaded.name ?? CONFIG_FILE, loaded.pointer + pointer, problem);
}

// ---------------------------------------------------------------------------------------------
// Schema validation

let compiled: ValidateFunction | undefined;

/** The compiled validator; compiled on first use and kept for the life of the process. */
function validator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(CONFIG_SCHEMA_PATH, 'utf8')) as AnySchemaObject;
    compiled = configSchemaAjv().compile(schema);
  }
  return compiled;
}

/** The ajv instance the configuration schema compiles under (exported for the schema's own tests). */
export function configSchemaAjv(): Ajv {
  const { Ajv } = requireOnUse('ajv') as typeof import('ajv');
  const ajv = new Ajv({
    // All errors, to choose the most useful (see schemaProblem); a configuration is small.
    allErrors: true,
    // Errors carry their data and parentSchema, which the messages quote; free while the configuration is valid.
    verbose: true,
    strict: true,
  });
  // VS Code's annotations: the file is JSON with comments.
  ajv.addKeyword({ keyword: 'allowComments', schemaType: 'boolean' });
  ajv.addKeyword({ keyword: 'allowTrailingCommas', schemaType: 'boolean' });
  return ajv;
}

interface Problem {
  /** JSON pointer relative to the configuration. */
  location: string;
  message: string;
}

function schemaProblem(config: unknown): Problem | undefined {
  const validate = validator();
  if (validate(config)) return undefined;
  const errors = validate.errors ?? [];
  // A misspelt key explains a missing one (`"file"` for `"files"`): report it first.
  const first = errors[0];
  const error = first?.keyword === 'required'
    ? errors.find((e) => e.keyword === 'additionalProperties' && e.instancePath === first.instancePath) ?? first
    : first;
  return error ? explain(error) : { location: '', message: 'not a valid configuration' };
}

function explain(error: ErrorObject): Problem {
  const at = error.instancePath;
  const found = describe(error.data);
  const parent = (error.parentSchema ?? {}) as { type?: string; minimum?: number; maximum?: number; properties?: object };
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const location = at + jsonPointer(key);
      if (/(?:^|\/)rules$/.test(at)) {
        const upper = key.toUpperCase();
        const hint = RULE_ID.test(upper) ? `; did you mean '${upper}'?` : '';
        return { location, message: `'${key}' is not a rule id (RPV-, a capital letter and three digits, as in RPV-S001)${hint}` };
      }
      return { location, message: `unknown key '${key}'${didYouMean(key, Object.keys(parent.properties ?? {}))}` };
    }
    case 'required':
      return { location: at, message: `missing "${String((error.params as { missingProperty: string }).missingProperty)}"` };
    case 'type':
      return { location: at, message: `expected ${article(String((error.params as { type: string }).type))}, found ${found}` };
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ');
      return { location: at, message: `expected one of ${allowed}; found ${found}` };
    }
    case 'minimum':
    case 'maximum': {
      const kind = article(parent.type ?? 'number');
      const range =
        parent.minimum !== undefined && parent.maximum !== undefined
          ? `${kind} from ${parent.minimum} to ${parent.maximum}`
          : parent.minimum !== undefined ? `${kind} >= ${parent.minimum}` : `${kind} <= ${parent.maximum}`;
      return { location: at, message: `expected ${range}, found ${found}` };
    }
    case 'minItems':
      return { location: at, message: 'expected at least one pattern, found an empty array' };
    case 'minLength':
      return { location: at, message: 'expected a non-empty string' };
    default:
      return { location: at, message: error.message ?? `does not match the configuration schema (${error.keyword})` };
  }
}

function article(type: string): string {
  return type === 'integer' || type === 'array' || type === 'object' ? `an ${type}` : `a ${type}`;
}

/** A value as a message quotes it. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 37) + '...' : value);
  return String(value);
}


/** What the schema cannot check: regular expressions compile (and do not match nothing), shape paths exist. */
function semanticProblem(config: ReprovConfig, dir: string): Problem | undefined {
  for (const [i, { pattern }] of (config.secretPatterns ?? []).entries()) {
    const location = jsonPointer('secretPatterns', i, 'pattern');
    let regex: RegExp;
    try {
      regex = new RegExp(pattern, 'gd');
    } catch (error) {
      const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
      return { location, message: `not a valid regular expression: ${reason}` };
    }
    if (regex.test('')) return { location, message: 'the regular expression matches an empty string, so it would flag any text' };
  }
  for (const [i, shape] of (config.shapes ?? []).entries()) {
    if (!existsSync(resolve(dir, shape))) return { location: jsonPointer('shapes', i), message: `no such file or directory: ${shape}` };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// What the engine asks of a configuration

/** JSON pointers (relative to the configuration: `/rules/<id>`, `/overrides/<i>/rules/<id>`) of the
 *  rule settings that name no known rule. `configError` turns one into the error to report. */
export function unknownRuleIds(config: ReprovConfig, knownIds: Iterable<string>): string[] {
  const known = new Set(knownIds);
  const pointers: string[] = [];
  for (const id of Object.keys(config.rules ?? {})) if (!known.has(id)) pointers.push(jsonPointer('rules', id));
  for (const [i, override] of (config.overrides ?? []).entries()) {
    for (const id of Object.keys(override.rules)) if (!known.has(id)) pointers.push(jsonPointer('overrides', i, 'rules', id));
  }
  return pointers;
}

/** Throws a ConfigError for the first rule setting that names no known rule, with the nearest known id. */
export function checkRuleIds(loaded: LoadedConfig, knownIds: Iterable<string>): void {
  const known = [...knownIds];
  const [pointer] = unknownRuleIds(loaded.config, known);
  if (pointer === undefined) return;
  const id = pointer.slice(pointer.lastIndexOf('/') + 1);
  throw configError(loaded, pointer, `unknown rule ${id}${didYouMean(id, known)} (\`reprov rules\` lists them)`);
}

/**
 * The rule settings for one bundle: the top-level `rules`, then each matching override in order
 * (a later one wins). Only rules the configuration names are present; the others keep their own
 * severity. `bundlePath` is as given on the command line (relative to `cwd`) or absolute; standard
 * input (`-`, `<stdin>`) gets the top-level rules only.
 */
export function ruleSettingsFor(loaded: LoadedConfig, bundlePath: string, cwd: string = process.cwd()): Record<string, RuleSetting> {
  const settings: Record<string, RuleSetting> = { ...loaded.config.rules };
  const path = configRelativePath(loaded, bundlePath, cwd);
  if (path === undefined) return settings;
  for (const override of loaded.config.overrides ?? []) {
    if (matchesAny(override.files, path)) Object.assign(settings, override.rules);
  }
  return settings;
}

/** Whether an `ignore` pattern matches the bundle (see ruleSettingsFor for `bundlePath`); standard input never is. */
export function isIgnored(loaded: LoadedConfig, bundlePath: string, cwd: string = process.cwd()): boolean {
  const path = configRelativePath(loaded, bundlePath, cwd);
  return path !== undefined && matchesAny(loaded.config.ignore ?? [], path);
}

/** The bundle's path relative to the configuration's directory with forward slashes; undefined for standard input. */
export function configRelativePath(loaded: LoadedConfig, bundlePath: string, cwd: string = process.cwd()): string | undefined {
  if (bundlePath === '-' || bundlePath === '<stdin>') return undefined;
  return relative(loaded.dir, resolve(cwd, bundlePath)).split(sep).join('/');
}

/** The configured secret patterns as the secrets rule takes them (the kind is the name). */
export function secretPatternsOf(config: ReprovConfig): SecretPattern[] {
  return (config.secretPatterns ?? []).map(({ name, pattern }) => ({ kind: name, pattern: new RegExp(pattern, 'g') }));
}

/** Absolute paths of the configured shape files, in order; a directory gives the `.ttl` files under it, sorted. */
export function shapePaths(loaded: LoadedConfig): string[] {
  return (loaded.config.shapes ?? []).flatMap((shape) => {
    const path = resolve(loaded.dir, shape);
    if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) return [path];
    return readdirSync(path, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.ttl') && statSync(join(path, name)).isFile())
      .sort()
      .map((name) => join(path, name));
  });
}

type Matcher = (path: string, ancestor: boolean) => boolean;
const matchers = new Map<string, Matcher>();

function matcher(glob: string): Matcher {
  let match = matchers.get(glob);
  if (!match) {
    let pattern = glob.replace(/^(?:\.\/)+/, '');
    const anchored = pattern.startsWith('/');
    if (anchored) pattern = pattern.replace(/^\/+/, '');
    const directoryOnly = /\/$/.test(pattern);
    pattern = pattern.replace(/\/+$/, '');
    const picomatch = requireOnUse('picomatch') as typeof import('picomatch');
    const test = picomatch(pattern || '**', { dot: true, windows: false, basename: !anchored && !pattern.includes('/') });
    match = (path, ancestor) => (ancestor || !directoryOnly) && test(path);
    matchers.set(glob, match);
  }
  return match;
}

/** Whether a pattern matches the path or one of its directories. */
function matchesAny(globs: readonly string[], path: string): boolean {
  if (!globs.length) return false;
  const candidates: [string, boolean][] = [[path, false]];
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) candidates.push([path.slice(0, i), true]);
  return globs.some((glob) => {
    const match = matcher(glob);
    return candidates.some(([candidate, ancestor]) => match(candidate, ancestor));
  });
}

// ---------------------------------------------------------------------------------------------
// JSON with comments

class JsoncSyntaxError extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const SYNTAX: Partial<Record<ParseErrorCode, string>> = {
  [ParseErrorCode.ValueExpected]: 'expected a value',
  [ParseErrorCode.PropertyNameExpected]: 'expected a property name in double quotes',
  [ParseErrorCode.ColonExpected]: "expected ':' after a property name",
  [ParseErrorCode.CommaExpected]: "expected ','",
  [ParseErrorCode.CloseBraceExpected]: "expected ',' or '}'",
  [ParseErrorCode.CloseBracketExpected]: "expected ',' or ']'",
  [ParseErrorCode.EndOfFileExpected]: 'unexpected content after the JSON value',
  [ParseErrorCode.UnexpectedEndOfString]: 'unterminated string',
  [ParseErrorCode.UnexpectedEndOfComment]: 'unterminated /* comment',
  [ParseErrorCode.InvalidEscapeCharacter]: 'invalid escape in a string',
  [ParseErrorCode.InvalidUnicode]: 'invalid \\u escape in a string',
  [ParseErrorCode.InvalidCharacter]: 'control character in a string',
};

/**
 * Parses JSON with `//` and `/* *\/` comments and trailing commas (a JSON text is also one), with
 * Microsoft's jsonc-parser (VS Code's). Throws a JsoncSyntaxError with the offset of the problem.
 * With `duplicateKeys`, a key that appears twice in an object is an error (JSON.parse would keep the
 * last silently). `__proto__` is an ordinary key, as in JSON.
 */
export function parseJsonc(text: string, duplicateKeys = true): unknown {
  const errors: ParseError[] = [];
  let tree: JsonNode | undefined;
  try {
    tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  } catch (error) {
    if (error instanceof RangeError) throw new JsoncSyntaxError(0, 'nested too deeply');
    throw error;
  }
  const [first, then] = errors;
  if (first) throw new JsoncSyntaxError(first.offset, syntaxMessage(text, first, then));
  return tree ? valueOf(tree, duplicateKeys) : undefined;
}

/** A person's words for jsonc-parser's first error (the one after it tells what was expected in its place). */
function syntaxMessage(text: string, error: ParseError, then: ParseError | undefined): string {
  if (error.error === ParseErrorCode.InvalidSymbol) {
    const found = text.slice(error.offset, error.offset + error.length);
    if (found.startsWith("'")) return 'strings and property names must be in double quotes';
    return `unexpected '${found}'; expected ${then?.error === ParseErrorCode.PropertyNameExpected ? 'a property name in double quotes' : 'a value'}`;
  }
  const message = SYNTAX[error.error] ?? printParseErrorCode(error.error);
  return error.offset >= text.length ? `unexpected end of input; ${message}` : message;
}

function valueOf(node: JsonNode, duplicateKeys: boolean): unknown {
  if (node.type === 'array') return (node.children ?? []).map((child) => valueOf(child, duplicateKeys));
  if (node.type !== 'object') return node.value as unknown;
  const result: Record<string, unknown> = {};
  for (const property of node.children ?? []) {
    const [key, value] = property.children as [JsonNode, JsonNode];
    const name = key.value as string;
    if (duplicateKeys && Object.hasOwn(result, name)) throw new JsoncSyntaxError(key.offset, `duplicate key '${name}'`);
    // Defined, not set: `__proto__` must not become the prototype.
    Object.defineProperty(result, name, { value: valueOf(value, duplicateKeys), enumerable: true, writable: true, configurable: true });
  }
  return result;
}
