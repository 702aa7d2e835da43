/**
 * The language-neutral facts a source file is reduced to. Each language analyzer (python.ts,
 * typescript.ts) turns a file into FileFacts; the scan rules read only these, so one rule covers
 * both languages wherever the hazard is the same.
 */

export type Language = 'python' | 'typescript';

/** 1-based line and column (UTF-16 code units, as editors count them). */
export interface Position {
  line: number;
  column: number;
}

/** A literal as far as the rules need it; anything else is `other` (with its source text). */
export type Value =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'none' }
  | { kind: 'name'; name: string }
  | { kind: 'other'; text: string };

export interface Call {
  /**
   * The callee's canonical dotted name once imports and aliases are resolved
   * (`xp.random.rand` after `import numpy as xp` is `numpy.random.rand`; a call on the result of a
   * call keeps `()`: `tensorflow.data.Dataset.range().shuffle`), or a global the language defines
   * (`Math.random`, `fetch`). Undefined when the callee is a local name.
   */
  callee?: string;
  /** The callee as written (`self.set_seed`, `rng.normal`). */
  written: string;
  args: Value[];
  /** Python keyword arguments, and the properties of JavaScript object literals passed as arguments. */
  keywords: Record<string, Value>;
  /** A `*args`/`**kwargs`/`...spread` argument makes the arguments unknowable. */
  spread: boolean;
  at: Position;
  /** Offsets of the call's start and end in the file: program order within a scope (a call ends after its arguments run). */
  offset: number;
  end: number;
  /** Index in FileFacts.functions of the innermost named function around the call; -1 at module level. */
  scope: number;
}

/** `target = value` where target is an attribute of an imported module (`torch.backends.cudnn.benchmark = True`) or of a local object. */
export interface Assignment {
  /** Canonical dotted name when the target's root is an import; else as written. */
  target: string;
  resolved: boolean;
  value: Value;
  at: Position;
  offset: number;
  scope: number;
}

/** A named function (def, function declaration, method, arrow function bound to a name). */
export interface FunctionDef {
  name: string;
  at: Position;
  offset: number;
  /** The function it is defined in; -1 at module level. */
  scope: number;
}

/** A function named without being called (passed as a callback): it runs later, from that point. */
export interface Reference {
  name: string;
  offset: number;
  end: number;
  scope: number;
}

export interface SyntaxProblem {
  at: Position;
  message: string;
}

export interface FileFacts {
  language: Language;
  calls: Call[];
  assignments: Assignment[];
  functions: FunctionDef[];
  references: Reference[];
  /** The first syntax error, when the file does not parse; its facts are then not used. */
  syntaxError?: SyntaxProblem;
}

/** Whether the keyword is given with a value other than None/null/undefined. */
export function hasKeyword(call: Call, name: string): boolean {
  const value = call.keywords[name];
  return value !== undefined && value.kind !== 'none';
}

/** The last segment of a dotted name (`numpy.random.rand` -> `rand`). */
export function lastSegment(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

/** Whether a value is the literal `true` / `false`. */
export function isTrue(value: Value | undefined): boolean {
  return value?.kind === 'boolean' && value.value;
}

export function isFalse(value: Value | undefined): boolean {
  return value?.kind === 'boolean' && !value.value;
}
