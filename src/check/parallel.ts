/**
 * Checking many bundles on every core: a pool of worker threads (src/check/worker.ts), each with
 * its own compiled Checker, fed one file at a time so that a large bundle does not hold up the
 * rest. Results come back in input order.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CheckOutcome } from './engine.js';
import type { BundleResult, RuleMeta, RuleResult } from './types.js';

export interface WorkerData {
  /** The configuration file the parent loaded (undefined: found from the working directory, as the parent did). */
  config?: string;
}

export interface WorkerRequest {
  index: number;
  file: string;
}

/** A bundle result on its way between threads: rules by id, not a copy of each rule's documentation. */
type TransferredRuleResult = Omit<RuleResult, 'rule'> & { rule: string };
type TransferredOutcome = (Omit<BundleResult, 'rules'> & { rules: TransferredRuleResult[] }) | { file: string; message: string };

export function toTransfer(outcome: CheckOutcome): TransferredOutcome {
  return 'message' in outcome ? outcome : { ...outcome, rules: outcome.rules.map((r) => ({ ...r, rule: r.rule.id })) };
}

function fromTransfer(outcome: TransferredOutcome, metas: ReadonlyMap<string, RuleMeta>): CheckOutcome {
  return 'message' in outcome ? outcome : { ...outcome, rules: outcome.rules.map((r) => ({ ...r, rule: metas.get(r.rule)! })) };
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

/**
 * How many workers to check `count` bundles with: none for a few bundles (a worker costs a start-up
 * and a shape compilation, ~0.2 s), else up to one per core, at least four bundles each. Running from
 * TypeScript sources (tests), where no compiled worker exists, it is always one thread.
 */
export function defaultJobs(count: number): number {
  if (!existsSync(fileURLToPath(WORKER_URL))) return 1;
  return count < 8 ? 1 : Math.max(1, Math.min(availableParallelism(), Math.floor(count / 4)));
}

/** Checks `files` with `jobs` worker threads; `metas` are the parent's rules, to put back into results. */
export async function checkInWorkers(files: readonly string[], jobs: number, data: WorkerData, metas: ReadonlyMap<string, RuleMeta>): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = new Array(files.length);
  const workers: Worker[] = [];
  let next = 0;
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, () => new Promise<void>((resolve, reject) => {
      const worker = new Worker(WORKER_URL, { workerData: data });
      workers.push(worker);
      const feed = () => {
        if (next >= files.length) return resolve();
        const index = next++;
        worker.postMessage({ index, file: files[index]! } satisfies WorkerRequest);
      };
      worker.on('message', ({ index, outcome }: { index: number; outcome: TransferredOutcome }) => {
        outcomes[index] = fromTransfer(outcome, metas);
        feed();
      });
      worker.on('error', reject);
      worker.on('exit', (code) => {
        if (next < files.length || code !== 0) reject(new Error(`check worker exited with code ${code}`));
      });
      feed();
    })));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return outcomes;
}
