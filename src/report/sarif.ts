/**
 * The SARIF 2.1.0 report of `reprov check`, for GitHub code scanning and other SARIF viewers.
 * Validated in the tests against the shipped schema (schemas/sarif-2.1.0.schema.json).
 *
 * One run; its driver lists every rule that ran (stable ids, descriptions, help from the rule's
 * why and fix). Each finding of check is a result located in its bundle file at line 1 (GitHub
 * requires a region; a finding is about a node of the graph, not a line), with the node's PROV id
 * as the logical location; a finding of scan is located at its source file, line and column. A
 * partial fingerprint over rule, focus and file (and, for the second and later findings of one
 * rule and focus in a file, their rank) lets an alert keep its identity from one run to the next,
 * even when lines move. Inputs that could not be read are tool execution notifications.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { Category, CheckResult, Finding, RuleMeta, Severity } from '../check/types.js';
import { PACKAGE_ROOT } from '../base/package-root.js';
import { version as reprovVersion } from '../base/version.js';
import { compare, sortFindings } from './common.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** The key of the partial fingerprint; `/v1` changes only if what is hashed changes. */
export const FINGERPRINT_KEY = 'reprovFocus/v1';

export type SarifLevel = 'error' | 'warning' | 'note';

export const SARIF_LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * GitHub's `security-severity` (0.0-10.0; 9.0 and over critical, 7.0 high, 4.0 medium, 0.1 low),
 * given to rules of the secrets category only: a credential in a bundle is a security problem,
 * the other categories are not.
 */
export const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.8', warning: '5.5', info: '2.0' };

export interface SarifOptions {
  /** Every rule that ran (their metadata); rules named by findings but missing here get a minimal entry. */
  rules?: readonly RuleMeta[];
  /** reprov's version for the driver (default: this package's). */
  toolVersion?: string;
  /** The driver's informationUri (default: package.json `homepage`, when it has one). */
  informationUri?: string;
  /** Directory that absolute bundle paths are made relative to (default: the working directory). */
  baseDir?: string;
  /** Indentation of the JSON text (default 2). */
  indent?: number;
}

interface ReportingDescriptor {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[]; 'security-severity'?: string };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: {
    physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn?: number } };
    logicalLocations: { fullyQualifiedName: string }[];
  }[];
  partialFingerprints: Record<string, string>;
  properties: { category: Category; focus: string; fix: string };
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: {
    tool: { driver: { name: 'reprov'; version: string; semanticVersion: string; informationUri?: string; rules: ReportingDescriptor[] } };
    invocations: {
      executionSuccessful: boolean;
      toolExecutionNotifications: {
        level: 'error';
        message: { text: string };
        locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
      }[];
    }[];
    results: SarifResult[];
    columnKind: 'unicodeCodePoints';
  }[];
}

/** The SARIF log as an object (what renderSarif writes). */
export function toSarif(result: CheckResult, options: SarifOptions = {}): SarifLog {
  const baseDir = options.baseDir ?? process.cwd();
  const metas = new Map<string, RuleMeta | undefined>();
  for (const meta of options.rules ?? []) metas.set(meta.id, meta);
  const firstFinding = new Map<string, Finding>();
  for (const bundle of result.bundles) {
    for (const finding of bundle.findings) {
      if (!metas.has(finding.rule)) metas.set(finding.rule, undefined);
      if (!firstFinding.has(finding.rule)) firstFinding.set(finding.rule, finding);
    }
  }
  const ids = [...metas.keys()].sort(compare);
  const ruleIndex = new Map(ids.map((id, index) => [id, index]));
  const rules = ids.map((id) => {
    const meta = metas.get(id);
    return meta ? descriptor(meta) : minimalDescriptor(id, firstFinding.get(id));
  });

  const results: SarifResult[] = [];
  for (const bundle of result.bundles) {
    const bundleUri = artifactUri(bundle.file, baseDir);
    const seen = new Map<string, number>();
    for (const finding of sortFindings(bundle.findings)) {
      const uri = finding.location ? artifactUri(finding.location.file, baseDir) : bundleUri;
      const region = finding.location ? { startLine: finding.location.line, startColumn: finding.location.column } : { startLine: 1 };
      const key = fingerprint(finding.rule, finding.focus, uri);
      const occurrence = seen.get(key) ?? 0;
      seen.set(key, occurrence + 1);
      const meta = metas.get(finding.rule);
      const text = meta && finding.fix && finding.fix !== meta.fix ? `${finding.message} Fix: ${finding.fix}` : finding.message;
      results.push({
        ruleId: finding.rule,
        ruleIndex: ruleIndex.get(finding.rule) ?? -1,
        level: SARIF_LEVEL[finding.severity],
        message: { text },
        locations: [
          {
            physicalLocation: { artifactLocation: { uri }, region },
            logicalLocations: [{ fullyQualifiedName: finding.focus }],
          },
        ],
        partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(finding.rule, finding.focus, uri, occurrence) },
        properties: { category: finding.category, focus: finding.focus, fix: finding.fix },
      });
    }
  }

  const informationUri = options.informationUri ?? packageHomepage();
  const version = options.toolVersion ?? reprovVersion;
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'reprov', version, semanticVersion: version, ...(informationUri ? { informationUri } : {}), rules } },
        invocations: [
          {
            // reprov ran to completion; inputs it could not read are error notifications.
            executionSuccessful: true,
            toolExecutionNotifications: result.errors.map((error) => ({
              level: 'error' as const,
              message: { text: error.message },
              locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(error.file, baseDir) } } }],
            })),
          },
        ],
        results,
        columnKind: 'unicodeCodePoints',
      },
    ],
  };
}

export function renderSarif(result: CheckResult, options: SarifOptions = {}): string {
  return `${JSON.stringify(toSarif(result, options), null, options.indent ?? 2)}\n`;
}

/**
 * sha256 (hex) of rule, focus and the file's URI, NUL-separated, and the rank of the finding among
 * those of the same rule, focus and file when it is not the first: the same finding gets the same
 * fingerprint on every run and machine.
 */
export function fingerprint(rule: string, focus: string, uri: string, occurrence = 0): string {
  return createHash('sha256').update(`${rule}\u0000${focus}\u0000${uri}${occurrence ? `\u0000${occurrence}` : ''}`).digest('hex');
}

/**
 * The bundle file as a relative URI reference: relative to `baseDir` when absolute, forward
 * slashes, each segment percent-encoded (a space is `%20`). `<stdin>` stays recognisable (`%3Cstdin%3E`).
 */
export function artifactUri(file: string, baseDir: string): string {
  let path = file;
  if (isAbsolute(path) || /^[A-Za-z]:[\\/]/.test(path)) path = relative(baseDir, path);
  path = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function descriptor(meta: RuleMeta): ReportingDescriptor {
  const properties: ReportingDescriptor['properties'] = { tags: [meta.category] };
  if (meta.category === 'secrets') properties['security-severity'] = SECURITY_SEVERITY[meta.severity];
  return {
    id: meta.id,
    name: pascalCase(meta.title) || meta.id,
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.description || meta.title },
    help: {
      text: `${meta.description}\n\nWhy it matters: ${meta.why}\n\nHow to fix: ${meta.fix}`.trim(),
      markdown: `${meta.description}\n\n**Why it matters.** ${meta.why}\n\n**How to fix.** ${meta.fix}`.trim(),
    },
    defaultConfiguration: { level: SARIF_LEVEL[meta.severity] },
    properties,
  };
}

/** A rule that produced findings but whose metadata was not passed: enough for a valid log. */
function minimalDescriptor(id: string, finding: Finding | undefined): ReportingDescriptor {
  const properties: ReportingDescriptor['properties'] = { tags: finding ? [finding.category] : [] };
  if (finding?.category === 'secrets') properties['security-severity'] = SECURITY_SEVERITY[finding.severity];
  return {
    id,
    name: pascalCase(id) || id,
    shortDescription: { text: id },
    fullDescription: { text: id },
    help: { text: finding?.fix || id, markdown: finding?.fix || id },
    defaultConfiguration: { level: finding ? SARIF_LEVEL[finding.severity] : 'warning' },
    properties,
  };
}

/** `No seed is recorded` → `NoSeedIsRecorded` (SARIF's rule `name` is an identifier-like string). */
function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

let homepage: string | null | undefined;
function packageHomepage(): string | undefined {
  if (homepage === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { homepage?: unknown };
      homepage = typeof pkg.homepage === 'string' && /^https?:\/\//.test(pkg.homepage) ? pkg.homepage : null;
    } catch {
      homepage = null;
    }
  }
  return homepage ?? undefined;
}
