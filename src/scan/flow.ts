/**
 * "Set before, on that path": whether a call of some kind (a seed) runs before a given point of a
 * file (and, for a download verified after it, after). Statements are taken in source order within
 * a function, arguments before the call they are passed to (branches and loops are not told
 * apart); a call counts when it runs before the point in the same function, or inside a function
 * of this file that is called before the point (at any depth). A point inside a function is
 * covered only when every place that function is invoked from (called, or passed as a callback)
 * is itself covered; a function never invoked in the file is covered only by what it does itself.
 */
import { lastSegment, type Call, type FileFacts } from './facts.js';

export interface Point {
  offset: number;
  end: number;
  /** Index of the function the point is in; -1 at module level. */
  scope: number;
}

export type CallTest = (call: Call) => boolean;

/** Whether `a` has run when `b` runs: it ends before `b` starts, or it is an argument of `b` (arguments run before the call they are passed to). */
function runsBefore(a: Point, b: Point): boolean {
  return a.end <= b.offset || (b.offset <= a.offset && a.end <= b.end && (a.offset !== b.offset || a.end !== b.end));
}

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export class Flow {
  private readonly byName = new Map<string, number[]>();
  private readonly callsIn = new Map<number, Call[]>();
  /** Where each function is invoked from: its calls and the places it is passed by name. */
  private readonly invokedAt = new Map<number, Point[]>();
  private readonly containsMemo = new WeakMap<CallTest, Map<number, boolean>>();

  constructor(readonly facts: FileFacts) {
    facts.functions.forEach((fn, index) => append(this.byName, fn.name, index));
    for (const call of facts.calls) {
      append(this.callsIn, call.scope, call);
      for (const fn of this.calledFunctions(call)) append(this.invokedAt, fn, call);
    }
    for (const reference of facts.references) {
      for (const fn of this.byName.get(reference.name) ?? []) append(this.invokedAt, fn, reference);
    }
  }

  /** The file's functions a call may run: those named like its callee, when the callee is not an import. */
  calledFunctions(call: Call): number[] {
    if (call.callee !== undefined) return [];
    return this.byName.get(lastSegment(call.written.replace(/\(\)$/, ''))) ?? [];
  }

  /** Whether a call passing `test` runs before `point` on every path that reaches it. */
  precededBy(point: Point, test: CallTest): boolean {
    return this.reaches(point, test, 'before', new Set());
  }

  /** Whether a call passing `test` runs after `point` on every path through it (a download verified after it). */
  followedBy(point: Point, test: CallTest): boolean {
    return this.reaches(point, test, 'after', new Set());
  }

  private reaches(point: Point, test: CallTest, direction: 'before' | 'after', visiting: Set<number>): boolean {
    for (const call of this.callsIn.get(point.scope) ?? []) {
      if (!(direction === 'before' ? runsBefore(call, point) : runsBefore(point, call))) continue;
      if (test(call) || this.calledFunctions(call).some((fn) => this.contains(fn, test))) return true;
    }
    if (point.scope === -1 || visiting.has(point.scope)) return false;
    // A function invoked from inside itself (recursion, Python 2's `super(Net, self)` naming its own
    // class) is entered first from elsewhere: those sites decide.
    const sites = (this.invokedAt.get(point.scope) ?? []).filter((site) => site.scope !== point.scope);
    if (sites.length === 0) return false;
    visiting.add(point.scope);
    try {
      return sites.every((site) => this.reaches(site, test, direction, visiting));
    } finally {
      visiting.delete(point.scope);
    }
  }

  /** Whether a function makes a call passing `test`, itself or through the file's functions it calls. */
  private contains(fn: number, test: CallTest): boolean {
    let memo = this.containsMemo.get(test);
    if (!memo) this.containsMemo.set(test, (memo = new Map()));
    const known = memo.get(fn);
    if (known !== undefined) return known;
    memo.set(fn, false); // a recursive call adds nothing
    const found = (this.callsIn.get(fn) ?? []).some((call) => test(call) || this.calledFunctions(call).some((g) => this.contains(g, test)));
    memo.set(fn, found);
    return found;
  }
}
