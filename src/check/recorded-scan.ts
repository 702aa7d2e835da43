/**
 * Scan findings kept in a bundle. `reprov record --scan` scans the run's working directory before
 * the command starts, as `reprov scan` would there, and records what it found on the code node
 * (docs/vocabulary.md, "Scan findings"); check turns each scan rule into a rule over those
 * recorded findings, so they are reported and scored with the scan rule's weight.
 *
 * Writer and reader of that one shape live together. The scanner (and with it the parsers) is
 * imported only when a scan is recorded: check and a plain record never load it.
 */
import type { NamedNode, Term } from 'n3';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SCAN_RULES } from '../../rules/scan/index.js';
import type { CollectContext } from '../collect/context.js';
import { redactText } from '../base/redact.js';
import { prov, rdf, reprov, schema } from '../prov/vocabulary.js';
import { secretPatternsOf } from './config.js';
import { objects } from './graph-query.js';
import { finding, findings, notApplicable } from './rule-kit.js';
import type { CheckInput, CheckResult, Finding, Rule, RuleMeta } from './types.js';

/** What an `unknownReason` about the scan starts with, so check can tell why a bundle has no scan. */
const REASON_PREFIX = 'scan: ';

/**
 * Scans `ctx.cwd` (or only `options.files`, the files the run executed) with the configuration found from there (rule settings, `off`, ignores and secret
 * patterns apply, as for `reprov scan` run in that directory) and records the result on `<base>code`.
 * Never throws: a scan that fails, and each file that does not parse, is a `reprov:unknownReason`.
 */
export async function recordScan(ctx: CollectContext, options: { files?: readonly string[] } = {}): Promise<void> {
  const code = ctx.graph.node('code');
  try {
    const { scanSources } = await import('../scan/scan.js');
    // The files the run executed (instrumentation told them), else the whole working directory.
    const paths = options.files?.length ? options.files.filter((file) => existsSync(resolve(ctx.cwd, file))) : [ctx.cwd];
    const { result, loaded } = await scanSources(paths.length ? paths : [ctx.cwd], { cwd: ctx.cwd, allowNoFiles: true });
    describeCode(ctx, code);
    addScan(ctx, code, result, (text) => redactText(text, secretPatternsOf(loaded.config)));
  } catch (error) {
    describeCode(ctx, code);
    ctx.graph.add(code, reprov.unknownReason, `${REASON_PREFIX}${redactText(firstLine((error as Error).message))}`);
  }
}

/** The git collector describes the code node when it runs (it starts before this is called); without it, the scan does. */
function describeCode({ graph, run }: CollectContext, code: NamedNode): void {
  if (graph.quads.some((q) => q.subject.equals(code) && q.predicate.equals(rdf.type))) return;
  graph.describe(code, [prov.Entity, schema.SoftwareSourceCode, reprov.CodeState], 'code state');
  graph.add(run, prov.used, code);
}

function addScan({ graph }: CollectContext, code: NamedNode, result: CheckResult, redact: (text: string) => string): void {
  graph.add(code, reprov.scanned, true).add(code, reprov.scannedFileCount, result.bundles.length);
  const applied = new Set(result.bundles.flatMap((file) => file.rules.filter((r) => r.applies).map((r) => r.rule.id)));
  for (const id of applied) graph.add(code, reprov.scanRule, id);
  for (const error of result.errors) graph.add(code, reprov.unknownReason, REASON_PREFIX + redact(error.message));
  result.bundles.flatMap((file) => file.findings).forEach((hit, i) => {
    const node = graph.node('scan', String(i + 1));
    graph.describe(node, [prov.Entity, reprov.ScanFinding]);
    graph.add(code, reprov.scanFinding, node);
    graph.add(node, reprov.ruleId, hit.rule).add(node, reprov.severity, hit.severity).add(node, reprov.message, redact(hit.message));
    graph.add(node, reprov.sourceFile, hit.location?.file).add(node, reprov.line, hit.location?.line).add(node, reprov.column, hit.location?.column);
  });
}

const firstLine = (text: string) => text.split('\n')[0] ?? '';

// ---------------------------------------------------------------------------------------------
// Reading them back: one check rule per scan rule

/** The check rule that reports the recorded findings of one scan rule (same id, severity, weight and fix). */
export function recordedScanRule(meta: RuleMeta): Rule {
  return {
    meta,
    check(input) {
      const { store } = input;
      const scanned = store.getQuads(null, reprov.scanned, null, null).filter((q) => q.object.value === 'true').map((q) => q.subject);
      if (!scanned.length) return notApplicable(noScanReason(input));
      const applied = scanned.filter((code) => objects(store, code, reprov.scanRule).some((o) => o.value === meta.id));
      if (!applied.length) return notApplicable(`the recorded scan did not look for ${meta.id} (turned off, or no scanned file of its language)`);
      const recorded = applied.flatMap((code) => objects(store, code, reprov.scanFinding));
      return findings(recorded.filter((node) => value(input, node, reprov.ruleId) === meta.id).map((node) => recordedFinding(input, meta, node)));
    },
  };
}

/** Every scan rule as a rule over recorded findings, in scan's order. */
export const RECORDED_SCAN_RULES: readonly Rule[] = SCAN_RULES.map((rule) => recordedScanRule(rule.meta));

function noScanReason({ store }: CheckInput): string {
  const failure = store.getObjects(null, reprov.unknownReason, null).find((o) => o.value.startsWith(REASON_PREFIX));
  return failure ? `the scan recorded with the run did not complete: ${failure.value.slice(REASON_PREFIX.length)}` : 'the bundle records no scan of the code (reprov record --scan)';
}

function recordedFinding(input: CheckInput, meta: RuleMeta, node: Term): Finding {
  const message = value(input, node, reprov.message) ?? 'a scan finding';
  const location = locationOf(input, node);
  if (!location) return finding(input, meta, node, message);
  return { ...finding(input, meta, node, `${location.file}:${location.line}:${location.column}: ${message}`), location };
}

/** Where the finding is, when the bundle says so completely (a file and positive whole line and column). */
function locationOf(input: CheckInput, node: Term): Finding['location'] {
  const file = value(input, node, reprov.sourceFile);
  const line = position(input, node, reprov.line);
  const column = position(input, node, reprov.column);
  return file && line && column ? { file, line, column } : undefined;
}

/** A line or column: a whole number from 1, else undefined. */
function position(input: CheckInput, node: Term, predicate: NamedNode): number | undefined {
  const number = Number(value(input, node, predicate));
  return Number.isInteger(number) && number >= 1 ? number : undefined;
}

const value = (input: CheckInput, node: Term, predicate: NamedNode): string | undefined => objects(input.store, node, predicate)[0]?.value;
