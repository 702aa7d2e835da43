/**
 * Work spread over every core: a pool of worker threads, each loaded once (its compiled shapes, its
 * parser) and fed one item at a time, so that a large item does not hold up the rest. Check runs
 * bundles through it, scan source files. Results come back in input order, as plain data; a
 * bundle or file result sends its rules by id (see `toTransfer`), not a copy of their documentation.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parentPort, Worker } from 'node:worker_threads';
import type { BundleResult, CheckResult, RuleMeta, RuleResult } from './types.js';

/** What a pool answers for an item: a result, or the one-line error that item gave. */
export type Outcome = BundleResult | { file: string; message: string };

type TransferredRuleResult = Omit<RuleResult, 'rule'> & { rule: string };
/** Results and errors, in input order, as a report takes them. */
export function collectOutcomes(outcomes: readonly Outcome[]): CheckResult {
  const result: CheckResult = { bundles: [], errors: [] };
  for (const outcome of outcomes) {
    if ('message' in outcome) result.errors.push(outcome);
    else result.bundles.push(outcome);
  }
  return result;
}

export type TransferredOutcome = (Omit<BundleResult, 'rules'> & { rules: TransferredRuleResult[] }) | { file: string; message: string };

export function toTransfer(outcome: Outcome): TransferredOutcome {
  return 'message' in outcome ? outcome : { ...outcome, rules: outcome.rules.map((r) => ({ ...r, rule: r.rule.id })) };
}

function fromTransfer(outcome: TransferredOutcome, metas: ReadonlyMap<string, RuleMeta>): Outcome {
  return 'message' in outcome ? outcome : { ...outcome, rules: outcome.rules.map((r) => ({ ...r, rule: metas.get(r.rule)! })) };
}

export interface JobsInputs {
  /** Cores this process may run on (`os.availableParallelism()`). */
  cores: number;
  /** The 1-minute load average: threads that were running or waiting to run (0 where the system has none, as on Windows). */
  load: number;
  /** Items to do. */
  items: number;
  /** Items a worker must get to pay back its start-up (loading its modules), measured per command in bench/jobs.mjs. */
  itemsPerWorker: number;
}

/**
 * How many workers a pool gets: one per core left free by the load, and no more than the items
 * pay for; 1 (this thread, no pool) when that is fewer than two. A worker on a core something
 * else is busy on only shares that core and adds its start-up: measured, a 1000-bundle check with
 * one core of two busy took 13% longer on two workers than in one thread.
 */
export function chooseJobs({ cores, load, items, itemsPerWorker }: JobsInputs): number {
  const free = Math.floor(cores - Math.max(0, load) + 0.5);
  const workers = Math.min(free, Math.floor(items / itemsPerWorker));
  return workers >= 2 ? workers : 1;
}

/** {@link chooseJobs} for this machine now; 1 when no compiled worker exists (running from TypeScript sources, as the tests do). */
export function defaultJobs(worker: URL, items: number, itemsPerWorker: number): number {
  if (!existsSync(fileURLToPath(worker))) return 1;
  return chooseJobs({ cores: availableParallelism(), load: loadavg()[0] ?? 0, items, itemsPerWorker });
}

interface Request<I> {
  index: number;
  item: I;
}

/** Runs `items` through `jobs` threads of `worker` (started with `workerData`); `metas` are the parent's rules, put back into results. */
export async function runInWorkers<I>(worker: URL, items: readonly I[], jobs: number, workerData: unknown, metas: ReadonlyMap<string, RuleMeta>): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(items.length);
  const workers: Worker[] = [];
  let next = 0;
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, () => new Promise<void>((resolve, reject) => {
      const thread = new Worker(worker, { workerData });
      workers.push(thread);
      const feed = () => {
        if (next >= items.length) return resolve();
        const index = next++;
        thread.postMessage({ index, item: items[index]! } satisfies Request<I>);
      };
      thread.on('message', ({ index, outcome }: { index: number; outcome: TransferredOutcome }) => {
        outcomes[index] = fromTransfer(outcome, metas);
        feed();
      });
      thread.on('error', reject);
      thread.on('exit', (code) => {
        if (next < items.length || code !== 0) reject(new Error(`worker ${fileURLToPath(worker)} exited with code ${code}`));
      });
      feed();
    })));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return outcomes;
}

/** In a worker thread: answers each item the pool sends with `handle`'s outcome. */
export function serveItems<I>(handle: (item: I) => Promise<Outcome>): void {
  const port = parentPort!;
  port.on('message', ({ index, item }: Request<I>) => {
    void handle(item).then((outcome) => port.postMessage({ index, outcome: toTransfer(outcome) }));
  });
}
