/**
 * `reprov init`: writes a commented starting reprov.config.json.
 *
 * Decision: the configuration file is JSON with comments (JSONC), as tsconfig.json is, not plain
 * JSON with a generated explanation beside it. Users expect a commented starting config that
 * explains itself where they edit it, and a second file (reprov.config.md) would go stale as soon
 * as the config is edited. So config.ts reads `//` and `/* *\/` comments and trailing commas with
 * its own small parser (which also gives exact line:column for syntax errors and flags duplicate
 * keys), and the schema carries VS Code's `allowComments`/`allowTrailingCommas` so that the editor
 * does not flag the comments in a `.json` file. Tools that need strict JSON can still read a
 * configuration without comments, and a `"reprov"` key in package.json is plain JSON anyway.
 *
 * The file is written atomically: a temporary file beside it, then linked into place (which
 * fails if the file appeared meanwhile) or, with `force`, renamed over the old one.
 */
import { existsSync, linkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { CONFIG_FILE, CONFIG_SCHEMA_REF, ConfigError } from './config.js';

export interface InitOptions {
  /** Overwrite an existing reprov.config.json. */
  force?: boolean;
}

/** Writes `reprov.config.json` in `dir` and returns its path; a ConfigError when it exists (without `force`). */
export function initConfig(dir: string, options: InitOptions = {}): string {
  const target = join(resolve(dir), CONFIG_FILE);
  const name = relative(process.cwd(), target) || target;
  if (!options.force && existsSync(target)) throw new ConfigError(name, '', 'already exists (--force overwrites it)');

  const temporary = join(dirname(target), `.${CONFIG_FILE}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, startingConfig(schemaRef(dirname(target))), { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError(relative(process.cwd(), dirname(target)) || dirname(target), '', 'no such directory');
    throw new ConfigError(name, '', `cannot write: ${(error as Error).message}`);
  }
  try {
    if (options.force) renameSync(temporary, target);
    else {
      try {
        linkSync(temporary, target);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw new ConfigError(name, '', 'already exists (--force overwrites it)');
        // A filesystem without hard links: the existence check above has to do.
        if (existsSync(target)) throw new ConfigError(name, '', 'already exists (--force overwrites it)');
        renameSync(temporary, target);
      }
    }
  } finally {
    rmSync(temporary, { force: true });
  }
  return target;
}

/**
 * `$schema` for the new file: the schema of a reprov installed in a node_modules above `dir`,
 * relative to `dir` (the file can be committed); else the schema this reprov ships (a file: URL).
 */
function schemaRef(dir: string): string {
  for (let at = dir; ; at = dirname(at)) {
    const schema = join(at, 'node_modules', 'reprov', 'schemas', 'reprov-config.schema.json');
    if (existsSync(schema)) {
      const path = relative(dir, schema).split(sep).join('/');
      return path.startsWith('.') ? path : `./${path}`;
    }
    if (dirname(at) === at) return CONFIG_SCHEMA_REF;
  }
}

/** The starting configuration: every setting with what it does; the optional ones commented out. */
export function startingConfig(schema: string = CONFIG_SCHEMA_REF): string {
  return `// Configuration of \`reprov check\`. JSON with comments: // and /* */ comments and trailing
// commas are allowed. Paths and glob patterns are relative to the directory of this file.
{
  // The schema of this file, for completion and validation in editors.
  "$schema": ${JSON.stringify(schema)},

  // Rule settings by rule id: "off", or a severity ("error", "warning", "info") that replaces
  // the rule's own. \`reprov rules\` lists the rules; \`reprov explain <id>\` tells what one
  // checks, why it matters and how to fix a finding.
  "rules": {
    // "RPV-S001": "warning",
  },

  // Fail when a finding of this severity or worse is found: "error", "warning" or "none".
  "failOn": "error",

  // Fail when a bundle's score (0-100) is below this.
  // "minScore": 80,

  // Fail when there are more warnings than this.
  // "maxWarnings": 10,

  // Bundles not to check (glob patterns). A pattern without a slash matches a file or
  // directory name anywhere; one that matches a directory covers everything under it.
  "ignore": [
    // "node_modules",
    // "runs/scratch/**",
  ],

  // Rule settings for some bundles only, applied in order over "rules" (a later entry wins).
  "overrides": [
    // { "files": ["experiments/**"], "rules": { "RPV-S001": "off" } },
  ],

  // Extra SHACL shapes: Turtle files, or directories of them.
  "shapes": [],

  // Extra secret patterns for the secrets rule, beside the built-in ones: a name, and a
  // JavaScript regular expression (a named group "secret..." marks the secret part alone).
  "secretPatterns": [
    // { "name": "internal-token", "pattern": "itk_[A-Za-z0-9]{32}" },
  ],
}
`;
}
