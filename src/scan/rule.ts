/** What scan rules (rules/scan/*.ts) are: check-rule metadata, the languages they read, and a test over a file's facts. */
import type { RuleMeta } from '../check/types.js';
import type { Call, FileFacts, Language, Position } from './facts.js';
import { Flow } from './flow.js';

export interface ScanRuleMeta extends RuleMeta {
  /** The languages the rule looks at; it does not apply to files of others. */
  languages: readonly Language[];
  /** Source code (not a bundle) that fails the rule, and the same code fixed, in `example.language`. */
  example: RuleMeta['example'] & { language: Language };
}

/** One hazard the rule sees in a file. */
export interface Hit {
  at: Position;
  /** What the finding is about: the canonical name of the call or setting (`numpy.random.rand`). */
  focus: string;
  message: string;
}

/** What a scan rule is given: a file's facts, and the flow over them (built once per file). */
export interface ScanInput {
  facts: FileFacts;
  flow: Flow;
}

export interface ScanRule {
  meta: ScanRuleMeta;
  check(input: ScanInput): Hit[];
}

export function scanInput(facts: FileFacts): ScanInput {
  return { facts, flow: new Flow(facts) };
}

/** A hit at a call, about its callee. */
export function callHit(call: Call, message: string): Hit {
  return { at: call.at, focus: call.callee ?? call.written, message };
}
