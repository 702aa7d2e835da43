/**
 * Configuration of `reprov check` (src/check/config.ts, src/check/init.ts): discovery, JSON with
 * comments, validation errors with their exact file:location, globs for ignore and overrides, and
 * the starting config `initConfig` writes.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO } from '../support/cli.js';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  checkRuleIds, CONFIG_SCHEMA_PATH, configError, ConfigError, configSchemaAjv, findConfig, isIgnored, loadConfig,
  parseJsonc, ruleSettingsFor, secretPatternsOf, shapePaths, unknownRuleIds, type LoadedConfig, type ReprovConfig,
} from '../../src/check/config.js';
import { initConfig, startingConfig } from '../../src/check/init.js';
import { findSecrets } from '../../src/base/redact.js';
import { UserError } from '../../src/base/user-error.js';

const ROOT = realpathSync(mkdtempSync(join(tmpdir(), 'reprov-config-')));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

let counter = 0;
let dir: string;
beforeEach(() => {
  dir = join(ROOT, `case-${counter++}`);
  mkdirSync(dir);
});

/** Writes files (path relative to `dir` -> content) and returns `dir`. */
function files(tree: Record<string, string>): string {
  for (const [path, content] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** The message of the ConfigError that loading `reprov.config.json` with this text gives. */
function loadError(text: string, file = 'reprov.config.json'): string {
  files({ [file]: text });
  try {
    loadConfig(undefined, { cwd: dir });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

/** A loaded configuration rooted at `dir` (without a file). */
function loaded(config: ReprovConfig, at = '/project'): LoadedConfig {
  return { config, dir: at, pointer: '' };
}

// Discovery must not reach a configuration above the temporary directory for the defaults test.
const outsideConfig = findConfig(ROOT);

describe('findConfig and loadConfig: discovery', () => {
  it('finds reprov.config.json in the working directory', () => {
    files({ 'reprov.config.json': '{ "minScore": 70 }' });
    expect(findConfig(dir)).toBe(join(dir, 'reprov.config.json'));
    const result = loadConfig(undefined, { cwd: dir });
    expect(result).toEqual({ config: { minScore: 70 }, file: join(dir, 'reprov.config.json'), name: 'reprov.config.json', dir, pointer: '' });
  });

  it('walks up from nested directories, and the nearest configuration wins', () => {
    files({
      'reprov.config.json': '{ "minScore": 10 }',
      'a/reprov.config.json': '{ "minScore": 20 }',
      'a/b/c/.keep': '',
    });
    const deep = join(dir, 'a', 'b', 'c');
    expect(findConfig(deep)).toBe(join(dir, 'a', 'reprov.config.json'));
    const result = loadConfig(undefined, { cwd: deep });
    expect(result.config).toEqual({ minScore: 20 });
    expect(result.dir).toBe(join(dir, 'a'));
    expect(result.name).toBe('../../reprov.config.json');
    expect(loadConfig(undefined, { cwd: dir }).config).toEqual({ minScore: 10 });
  });

  it('reads a "reprov" key in package.json; a package.json without one does not stop the walk', () => {
    files({
      'package.json': JSON.stringify({ name: 'top', reprov: { failOn: 'warning' } }),
      'sub/package.json': JSON.stringify({ name: 'sub' }),
      'sub/inner/.keep': '',
    });
    const inner = join(dir, 'sub', 'inner');
    expect(findConfig(inner)).toBe(join(dir, 'package.json'));
    const result = loadConfig(undefined, { cwd: inner });
    expect(result.config).toEqual({ failOn: 'warning' });
    expect(result.pointer).toBe('/reprov');
    expect(result.dir).toBe(dir);
  });

  it('prefers reprov.config.json to package.json in the same directory, and a nearer package.json to a farther file', () => {
    files({
      'reprov.config.json': '{ "minScore": 1 }',
      'package.json': JSON.stringify({ reprov: { minScore: 2 } }),
      'p/package.json': JSON.stringify({ reprov: { minScore: 3 } }),
    });
    expect(loadConfig(undefined, { cwd: dir }).config).toEqual({ minScore: 1 });
    expect(loadConfig(undefined, { cwd: join(dir, 'p') }).config).toEqual({ minScore: 3 });
  });

  it('loads an explicit path (relative to the working directory) without discovery', () => {
    files({ 'reprov.config.json': '{ "minScore": 1 }', 'conf/ci.json': '{ "minScore": 99 }' });
    const result = loadConfig('conf/ci.json', { cwd: dir });
    expect(result.config).toEqual({ minScore: 99 });
    expect(result.dir).toBe(join(dir, 'conf'));
    expect(() => loadConfig('missing.json', { cwd: dir })).toThrow(new ConfigError('missing.json', '', 'no such file'));
    expect(() => loadConfig('conf', { cwd: dir })).toThrow('conf: is a directory, not a configuration file');
    files({ 'other/package.json': '{"name": "x"}' });
    expect(() => loadConfig('other/package.json', { cwd: dir })).toThrow('other/package.json: has no "reprov" key');
  });

  it.skipIf(outsideConfig !== undefined)('gives the default configuration when none is found', () => {
    files({ 'x/y/.keep': '' });
    const cwd = join(dir, 'x', 'y');
    expect(findConfig(cwd)).toBeUndefined();
    expect(loadConfig(undefined, { cwd })).toEqual({ config: {}, dir: cwd, pointer: '' });
  });
});

describe('loadConfig: JSON with comments', () => {
  it('accepts // and /* */ comments and trailing commas, and keeps comment-like text inside strings', () => {
    files({
      'reprov.config.json': `// top
{
  /* block
     comment */
  "ignore": ["a//b", "/*.ttl", "c/*", ], // trailing comma
  "rules": { "RPV-S001": "off", },
}
`,
    });
    expect(loadConfig(undefined, { cwd: dir }).config).toEqual({ ignore: ['a//b', '/*.ttl', 'c/*'], rules: { 'RPV-S001': 'off' } });
  });

  it('accepts a byte-order mark and CRLF line ends', () => {
    files({ 'reprov.config.json': '\uFEFF{\r\n  "minScore": 5 // five\r\n}\r\n' });
    expect(loadConfig(undefined, { cwd: dir }).config).toEqual({ minScore: 5 });
  });

  it('parses like JSON.parse otherwise', () => {
    const text = '{"a":[1,-2.5e3,true,false,null,{}],"b":"\\u00e9\\n\\"","__proto__":{"x":1}}';
    const value = parseJsonc(text) as Record<string, unknown>;
    expect(value).toEqual(JSON.parse(text));
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['a', 'b', '__proto__']);
  });
});

describe('loadConfig: errors name the file and the place', () => {
  it('syntax errors give line:column', () => {
    expect(loadError('{\n  "minScore": 80\n  "failOn": "error"\n}')).toBe(
      "reprov.config.json:3:3: invalid JSON: expected ','",
    );
    expect(loadError('{\n  "rules": {\n    "RPV-S001": warning\n  }\n}')).toBe(
      "reprov.config.json:3:17: invalid JSON: unexpected 'warning'; expected a value",
    );
    expect(loadError('{ minScore: 1 }')).toBe("reprov.config.json:1:3: invalid JSON: unexpected 'minScore'; expected a property name in double quotes");
    expect(loadError("{ 'minScore': 1 }")).toBe('reprov.config.json:1:3: invalid JSON: strings and property names must be in double quotes');
    expect(loadError('{\n  "ignore": ["a\n')).toBe('reprov.config.json:2:14: invalid JSON: unterminated string');
    expect(loadError('{ "minScore": 1 } /* open')).toBe('reprov.config.json:1:19: invalid JSON: unterminated /* comment');
    expect(loadError('{ "minScore": 1 }\n}')).toBe('reprov.config.json:2:1: invalid JSON: unexpected content after the JSON value');
    expect(loadError('{ "minScore": ')).toBe('reprov.config.json:1:15: invalid JSON: unexpected end of input; expected a value');
    expect(loadError('')).toBe('reprov.config.json:1:1: invalid JSON: unexpected end of input; expected a value');
    expect(loadError('{ "ignore": ["a\\x"] }')).toBe('reprov.config.json:1:14: invalid JSON: invalid escape in a string');
    expect(loadError('{ "minScore": 01 }')).toBe("reprov.config.json:1:16: invalid JSON: expected ','");
    expect(loadError('{ "minScore": NaN }')).toBe("reprov.config.json:1:15: invalid JSON: unexpected 'NaN'; expected a value");
    expect(loadError('{ "ignore": ["a\tb"] }')).toBe('reprov.config.json:1:14: invalid JSON: control character in a string');
    expect(loadError('{ "x": ' + '['.repeat(10_000))).toBe('reprov.config.json:1:1: invalid JSON: nested too deeply');
    expect(loadError('{ "minScore": 1,\n  "minScore": 2 }')).toBe("reprov.config.json:2:3: invalid JSON: duplicate key 'minScore'");
  });

  it('syntax errors in package.json give its line:column', () => {
    expect(loadError('{\n  "name": "x",\n  "reprov": { "minScore": 1, }\n  "version": "1.0.0"\n}', 'package.json')).toBe(
      "package.json:4:3: invalid JSON: expected ','",
    );
  });

  it('unknown keys, with a suggestion', () => {
    expect(loadError('{ "minscore": 80 }')).toBe("reprov.config.json:/minscore: unknown key 'minscore'; did you mean 'minScore'?");
    expect(loadError('{ "ignores": [] }')).toBe("reprov.config.json:/ignores: unknown key 'ignores'; did you mean 'ignore'?");
    expect(loadError('{ "extends": "base.json" }')).toBe("reprov.config.json:/extends: unknown key 'extends'");
    expect(loadError('{ "overrides": [{ "file": ["a"], "rules": {} }] }')).toBe(
      "reprov.config.json:/overrides/0/file: unknown key 'file'; did you mean 'files'?",
    );
    expect(loadError('{ "secretPatterns": [{ "name": "x", "regex": "y" }] }')).toBe(
      "reprov.config.json:/secretPatterns/0/regex: unknown key 'regex'",
    );
  });

  it('rule settings: ids and values', () => {
    expect(loadError('{ "rules": { "RPV-S001": "warn" } }')).toBe(
      'reprov.config.json:/rules/RPV-S001: expected one of off, error, warning, info; found "warn"',
    );
    expect(loadError('{ "rules": { "rpv-s001": "off" } }')).toBe(
      "reprov.config.json:/rules/rpv-s001: 'rpv-s001' is not a rule id (RPV-, a capital letter and three digits, as in RPV-S001); did you mean 'RPV-S001'?",
    );
    expect(loadError('{ "rules": { "seeds": "off" } }')).toBe(
      "reprov.config.json:/rules/seeds: 'seeds' is not a rule id (RPV-, a capital letter and three digits, as in RPV-S001)",
    );
    expect(loadError('{ "overrides": [{ "files": ["a"], "rules": { "RPV-S001": 1 } }] }')).toBe(
      'reprov.config.json:/overrides/0/rules/RPV-S001: expected a string, found 1',
    );
  });

  it('types, ranges and required members', () => {
    expect(loadError('[]')).toBe('reprov.config.json: expected an object, found an array');
    expect(loadError('{ "minScore": "80" }')).toBe('reprov.config.json:/minScore: expected a number, found "80"');
    expect(loadError('{ "minScore": 101 }')).toBe('reprov.config.json:/minScore: expected a number from 0 to 100, found 101');
    expect(loadError('{ "minScore": -1 }')).toBe('reprov.config.json:/minScore: expected a number from 0 to 100, found -1');
    expect(loadError('{ "maxWarnings": 1.5 }')).toBe('reprov.config.json:/maxWarnings: expected an integer, found 1.5');
    expect(loadError('{ "maxWarnings": -1 }')).toBe('reprov.config.json:/maxWarnings: expected an integer >= 0, found -1');
    expect(loadError('{ "failOn": "errors" }')).toBe('reprov.config.json:/failOn: expected one of error, warning, none; found "errors"');
    expect(loadError('{ "ignore": "runs/**" }')).toBe('reprov.config.json:/ignore: expected an array, found "runs/**"');
    expect(loadError('{ "ignore": ["ok", 3] }')).toBe('reprov.config.json:/ignore/1: expected a string, found 3');
    expect(loadError('{ "ignore": [""] }')).toBe('reprov.config.json:/ignore/0: expected a non-empty string');
    expect(loadError('{ "overrides": [{ "files": ["a"] }] }')).toBe('reprov.config.json:/overrides/0: missing "rules"');
    expect(loadError('{ "overrides": [{ "files": [], "rules": {} }] }')).toBe(
      'reprov.config.json:/overrides/0/files: expected at least one pattern, found an empty array',
    );
    expect(loadError('{ "secretPatterns": [{ "name": "x" }] }')).toBe('reprov.config.json:/secretPatterns/0: missing "pattern"');
    expect(loadError('{ "shapes": {} }')).toBe('reprov.config.json:/shapes: expected an array, found an object');
  });

  it('secret patterns that are not regular expressions, or match an empty string', () => {
    expect(loadError('{ "secretPatterns": [{ "name": "ok", "pattern": "a+" }, { "name": "bad", "pattern": "tok_(" }] }')).toBe(
      'reprov.config.json:/secretPatterns/1/pattern: not a valid regular expression: Unterminated group',
    );
    expect(loadError('{ "secretPatterns": [{ "name": "greedy", "pattern": "x*" }] }')).toBe(
      'reprov.config.json:/secretPatterns/0/pattern: the regular expression matches an empty string, so it would flag any text',
    );
  });

  it('shape paths that do not exist', () => {
    files({ 'shapes/extra.ttl': '' });
    expect(loadError('{ "shapes": ["shapes", "shapes/extra.ttl", "missing"] }')).toBe(
      'reprov.config.json:/shapes/2: no such file or directory: missing',
    );
  });

  it('pointers in package.json start with /reprov', () => {
    expect(loadError('{ "name": "x", "reprov": { "minscore": 1 } }', 'package.json')).toBe(
      "package.json:/reprov/minscore: unknown key 'minscore'; did you mean 'minScore'?",
    );
    expect(loadError('{ "name": "x", "reprov": { "rules": { "RPV-S001": "on" } } }', 'package.json')).toBe(
      'package.json:/reprov/rules/RPV-S001: expected one of off, error, warning, info; found "on"',
    );
  });

  it('a discovered file is named relative to the working directory', () => {
    files({ 'reprov.config.json': '{ "minScore": true }', 'a/b/.keep': '' });
    expect(() => loadConfig(undefined, { cwd: join(dir, 'a', 'b') })).toThrow(
      '../../reprov.config.json:/minScore: expected a number, found true',
    );
  });
});

describe('unknown rule ids (checked by the engine)', () => {
  const config: ReprovConfig = {
    rules: { 'RPV-S001': 'off', 'RPV-S999': 'error' },
    overrides: [{ files: ['a/**'], rules: { 'RPV-T001': 'info', 'RPV-X123': 'off' } }],
  };

  it('unknownRuleIds gives pointers to the settings that name no known rule', () => {
    expect(unknownRuleIds(config, ['RPV-S001', 'RPV-T001'])).toEqual(['/rules/RPV-S999', '/overrides/0/rules/RPV-X123']);
    expect(unknownRuleIds(config, ['RPV-S001', 'RPV-S999', 'RPV-T001', 'RPV-X123'])).toEqual([]);
    expect(unknownRuleIds({}, [])).toEqual([]);
  });

  it('checkRuleIds and configError report one with the file, the pointer and the nearest id', () => {
    files({ 'package.json': JSON.stringify({ reprov: config }) });
    const result = loadConfig(undefined, { cwd: dir });
    expect(() => checkRuleIds(result, ['RPV-S001', 'RPV-S990', 'RPV-T001'])).toThrow(
      'package.json:/reprov/rules/RPV-S999: unknown rule RPV-S999; did you mean \'RPV-S990\'? (`reprov rules` lists them)',
    );
    expect(() => checkRuleIds(result, ['RPV-S001', 'RPV-S999', 'RPV-T001', 'RPV-X123'])).not.toThrow();
    expect(configError(result, '/minScore', 'too low').message).toBe('package.json:/reprov/minScore: too low');
  });
});

describe('ruleSettingsFor and isIgnored: globs relative to the configuration directory', () => {
  const config: ReprovConfig = {
    rules: { 'RPV-S001': 'error', 'RPV-T001': 'warning' },
    ignore: ['scratch', 'runs/old/', '/tmp-*.ttl', 'archive/**/*.jsonld'],
    overrides: [
      { files: ['experiments/**'], rules: { 'RPV-S001': 'off' } },
      { files: ['*.json'], rules: { 'RPV-T001': 'info' } },
      { files: ['experiments/final/**'], rules: { 'RPV-S001': 'warning' } },
      { files: ['./baselines'], rules: { 'RPV-D001': 'off' } },
    ],
  };
  const at = loaded(config);

  it('applies matching overrides in order over the top-level rules', () => {
    expect(ruleSettingsFor(at, '/project/run.ttl')).toEqual({ 'RPV-S001': 'error', 'RPV-T001': 'warning' });
    expect(ruleSettingsFor(at, '/project/experiments/a/run.ttl')).toEqual({ 'RPV-S001': 'off', 'RPV-T001': 'warning' });
    expect(ruleSettingsFor(at, '/project/experiments/a/prov.json')).toEqual({ 'RPV-S001': 'off', 'RPV-T001': 'info' });
    expect(ruleSettingsFor(at, '/project/experiments/final/prov.json')).toEqual({ 'RPV-S001': 'warning', 'RPV-T001': 'info' });
    expect(ruleSettingsFor(at, '/project/baselines/b1/run.ttl')).toEqual({ 'RPV-S001': 'error', 'RPV-T001': 'warning', 'RPV-D001': 'off' });
    // The result is a copy: changing it changes nothing in the configuration.
    ruleSettingsFor(at, '/project/run.ttl')['RPV-S001'] = 'info';
    expect(config.rules).toEqual({ 'RPV-S001': 'error', 'RPV-T001': 'warning' });
  });

  it('resolves relative bundle paths against the working directory', () => {
    expect(ruleSettingsFor(at, 'experiments/x.ttl', '/project')['RPV-S001']).toBe('off');
    expect(ruleSettingsFor(at, 'x.ttl', '/project/experiments')['RPV-S001']).toBe('off');
    expect(ruleSettingsFor(at, '../x.ttl', '/project/experiments')['RPV-S001']).toBe('error');
    expect(isIgnored(at, 'old/a.ttl', '/project/runs')).toBe(true);
  });

  it('ignores by name at any depth, by directory, anchored, and by ** globs', () => {
    expect(isIgnored(at, '/project/scratch')).toBe(true);
    expect(isIgnored(at, '/project/scratch/a.ttl')).toBe(true);
    expect(isIgnored(at, '/project/deep/scratch/b/a.ttl')).toBe(true);
    expect(isIgnored(at, '/project/scratchpad/a.ttl')).toBe(false);
    expect(isIgnored(at, '/project/runs/old/a.ttl')).toBe(true);
    expect(isIgnored(at, '/project/runs/old')).toBe(false); // `old/`: directories only
    expect(isIgnored(at, '/project/runs/older/a.ttl')).toBe(false);
    expect(isIgnored(at, '/project/tmp-1.ttl')).toBe(true);
    expect(isIgnored(at, '/project/sub/tmp-1.ttl')).toBe(false); // anchored by the leading slash
    expect(isIgnored(at, '/project/archive/2024/q1/run.jsonld')).toBe(true);
    expect(isIgnored(at, '/project/archive/run.jsonld')).toBe(true);
    expect(isIgnored(at, '/project/archive/run.ttl')).toBe(false);
    expect(isIgnored(at, '/elsewhere/scratch.ttl')).toBe(false);
    expect(isIgnored(loaded({}), '/project/a.ttl')).toBe(false);
  });

  it('matches dot directories and leaves standard input alone', () => {
    const dotted = loaded({ ignore: ['**/*.ttl'], overrides: [{ files: ['**'], rules: { 'RPV-S001': 'off' } }] });
    expect(isIgnored(dotted, '/project/.reprov/runs/a.ttl')).toBe(true);
    expect(isIgnored(dotted, '<stdin>')).toBe(false);
    expect(isIgnored(dotted, '-')).toBe(false);
    expect(ruleSettingsFor(dotted, '<stdin>')).toEqual({});
    expect(ruleSettingsFor(dotted, '/project/a.ttl')).toEqual({ 'RPV-S001': 'off' });
  });

  it('matches relative to the directory of the file it was loaded from', () => {
    files({ 'proj/reprov.config.json': '{ "ignore": ["data/**"] }', 'proj/src/.keep': '' });
    const result = loadConfig(undefined, { cwd: join(dir, 'proj', 'src') });
    expect(isIgnored(result, '../data/x.ttl', join(dir, 'proj', 'src'))).toBe(true);
    expect(isIgnored(result, join(dir, 'proj', 'data', 'x.ttl'))).toBe(true);
    expect(isIgnored(result, join(dir, 'proj', 'src', 'data', 'x.ttl'))).toBe(false);
  });
});

describe('other helpers', () => {
  it('secretPatternsOf gives patterns the secrets scanner takes', () => {
    const patterns = secretPatternsOf({ secretPatterns: [{ name: 'internal-token', pattern: 'itk_[A-Za-z0-9]{8}' }] });
    expect(findSecrets('x itk_abcdEFGH y', patterns)).toEqual([{ kind: 'internal-token', index: 2, length: 12 }]);
  });

  it('shapePaths resolves against the configuration directory and lists the .ttl files of directories', () => {
    files({ 'shapes/b.ttl': '', 'shapes/a.ttl': '', 'shapes/README.md': '', 'shapes/more/c.ttl': '', 'one.ttl': '' });
    expect(shapePaths(loaded({ shapes: ['one.ttl', 'shapes'] }, dir))).toEqual(
      [join(dir, 'one.ttl'), join(dir, 'shapes', 'a.ttl'), join(dir, 'shapes', 'b.ttl'), join(dir, 'shapes', 'more', 'c.ttl')],
    );
  });
});

describe('the schema', () => {
  it('is a valid draft-07 schema that compiles under ajv strict mode', () => {
    const schema = JSON.parse(readFileSync(CONFIG_SCHEMA_PATH, 'utf8')) as object;
    const ajv = configSchemaAjv();
    expect(ajv.validateSchema(schema)).toBe(true);
    expect(() => ajv.compile(schema)).not.toThrow();
  });
});

describe('initConfig', () => {
  it('writes a commented config that loads and validates', () => {
    const path = initConfig(dir);
    expect(path).toBe(join(dir, 'reprov.config.json'));
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/^\/\/ /);
    const result = loadConfig(undefined, { cwd: dir });
    expect(result.file).toBe(path);
    expect(result.config).toEqual({
      $schema: expect.stringMatching(/^file:\/\//),
      rules: {}, failOn: 'error', ignore: [], overrides: [], shapes: [], secretPatterns: [],
    });
    expect(readdirSync(dir)).toEqual(['reprov.config.json']);
  });

  it('without node_modules above (a Python project), $schema names the schema this reprov ships, and it validates the file', async () => {
    const path = initConfig(dir);
    const { config } = loadConfig(undefined, { cwd: dir });
    const schemaFile = fileURLToPath(config.$schema!);
    expect(schemaFile).toBe(join(REPO, 'schemas', 'reprov-config.schema.json'));
    expect(existsSync(schemaFile)).toBe(true);
    expect(readFileSync(path, 'utf8')).not.toContain('node_modules/reprov');
    // The schema it names (read independently of loadConfig) accepts the file as written.
    const { Ajv } = await import('ajv');
    const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
    expect(validate(config)).toBe(true);
    expect(validate({ ...config, failOn: 'sometimes' })).toBe(false);
  });

  it('a node_modules/reprov without the schema file (a broken or foreign install) is not pointed at', () => {
    files({ 'node_modules/reprov/package.json': '{}', 'node_modules/reprov/schemas': '', 'pkg/.keep': '' });
    const path = initConfig(join(dir, 'pkg'));
    expect(readFileSync(path, 'utf8')).not.toContain('node_modules/reprov');
    expect(existsSync(fileURLToPath(loadConfig(undefined, { cwd: join(dir, 'pkg') }).config.$schema!))).toBe(true);
  });

  it('uncommenting every example still gives a valid config', () => {
    const uncommented = startingConfig().replace(/^(\s*)\/\/ (["{])/gm, '$1$2');
    expect(uncommented).not.toBe(startingConfig());
    files({ 'reprov.config.json': uncommented });
    expect(loadConfig(undefined, { cwd: dir }).config).toMatchObject({
      rules: { 'RPV-S001': 'warning' }, minScore: 80, maxWarnings: 10, ignore: ['node_modules', 'runs/scratch/**'],
      overrides: [{ files: ['experiments/**'], rules: { 'RPV-S001': 'off' } }],
      secretPatterns: [{ name: 'internal-token', pattern: 'itk_[A-Za-z0-9]{32}' }],
    });
  });

  it('points $schema at an installed reprov above the directory', () => {
    files({ 'node_modules/reprov/schemas/reprov-config.schema.json': '{}', 'pkg/sub/.keep': '' });
    const path = initConfig(join(dir, 'pkg', 'sub'));
    expect(readFileSync(path, 'utf8')).toContain('"$schema": "../../node_modules/reprov/schemas/reprov-config.schema.json"');
    expect(initConfig(join(dir, 'pkg'), {})).toBe(join(dir, 'pkg', 'reprov.config.json'));
    expect(readFileSync(join(dir, 'pkg', 'reprov.config.json'), 'utf8')).toContain('"$schema": "../node_modules/');
  });

  it('refuses to overwrite a file without force, and overwrites with it', () => {
    files({ 'reprov.config.json': '{ "minScore": 1 }' });
    expect(() => initConfig(dir)).toThrow(ConfigError);
    expect(() => initConfig(dir, { force: false })).toThrow(/reprov\.config\.json: already exists \(--force overwrites it\)$/);
    expect(readFileSync(join(dir, 'reprov.config.json'), 'utf8')).toBe('{ "minScore": 1 }');
    initConfig(dir, { force: true });
    expect(loadConfig(undefined, { cwd: dir }).config.failOn).toBe('error');
    expect(readdirSync(dir)).toEqual(['reprov.config.json']);
  });

  it('reports a directory that does not exist', () => {
    expect(() => initConfig(join(dir, 'nope'))).toThrow(/nope: no such directory$/);
  });
});
