/**
 * Which rank of a distributed run this process is, from the variables its launcher sets. The
 * innermost launcher knows best, so it is asked first: torchrun (`RANK`, `WORLD_SIZE`,
 * `LOCAL_RANK`), Open MPI (`OMPI_COMM_WORLD_RANK`, `OMPI_COMM_WORLD_SIZE`,
 * `OMPI_COMM_WORLD_LOCAL_RANK`), MPICH/Intel MPI (`PMI_RANK`, `PMI_SIZE`), then Slurm's `srun`
 * (`SLURM_PROCID`, `SLURM_STEP_NUM_TASKS` or `SLURM_NTASKS`, `SLURM_LOCALID`). A Slurm batch
 * script (no `srun` step: no `SLURM_STEP_ID`) is one process whatever `--ntasks` says.
 *
 * A process is a rank of a distributed run (and names its bundle files `prov.rank<N>.json`) when
 * its rank is above 0 or its world size above 1; `RANK=0` alone, or a world of one, is a run of one
 * process and keeps `prov.json`.
 */

export interface DistributedRank {
  rank: number;
  /** How many ranks the run has, when the launcher says. */
  worldSize?: number;
  localRank?: number;
  /** The variable the rank came from (`RANK`, `SLURM_PROCID`, ...) or `option`. */
  source: string;
}

/** Launchers, innermost first: [rank, world size, local rank] variables. */
const LAUNCHERS: [rank: string, size: string[], local: string[]][] = [
  ['RANK', ['WORLD_SIZE'], ['LOCAL_RANK']],
  ['OMPI_COMM_WORLD_RANK', ['OMPI_COMM_WORLD_SIZE'], ['OMPI_COMM_WORLD_LOCAL_RANK']],
  ['PMI_RANK', ['PMI_SIZE'], ['MPI_LOCALRANKID', 'PMI_LOCAL_RANK']],
  ['SLURM_PROCID', ['SLURM_STEP_NUM_TASKS', 'SLURM_NTASKS'], ['SLURM_LOCALID']],
];

/** The largest rank or world size read from the environment: beyond it a value is not a rank. */
const MAX_RANK = 10_000_000;

/** A whole number from 0 to MAX_RANK written plainly (`3`, not `3.0`, `0x3`, ` 3` or `-1`); undefined otherwise. */
export function rankNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,8}$/.test(value)) return undefined;
  const n = Number(value);
  return n <= MAX_RANK ? n : undefined;
}

/** The rank the environment gives this process; undefined when no launcher variable holds one. */
export function rankFromEnv(env: NodeJS.ProcessEnv): DistributedRank | undefined {
  for (const [rankVar, sizeVars, localVars] of LAUNCHERS) {
    const rank = rankNumber(env[rankVar]);
    if (rank === undefined) continue;
    if (rankVar === 'SLURM_PROCID' && env.SLURM_STEP_ID === undefined && env.SLURM_STEP_NUM_TASKS === undefined) {
      // The batch script itself: one process, whatever the allocation's task count.
      if (rank === 0) return undefined;
    }
    const found: DistributedRank = { rank, source: rankVar };
    const size = sizeVars.map((name) => rankNumber(env[name])).find((n) => n !== undefined);
    // A world size that does not hold the rank is not this run's: the rank alone is kept.
    if (size !== undefined && size > rank) found.worldSize = size;
    const local = localVars.map((name) => rankNumber(env[name])).find((n) => n !== undefined);
    if (local !== undefined) found.localRank = local;
    return found;
  }
  return undefined;
}

/** Whether the bundle is one rank's of several (named `prov.rank<N>.json`), rather than a run of one process. */
export function isDistributed(rank: DistributedRank | undefined): rank is DistributedRank {
  return rank !== undefined && (rank.source === 'option' || rank.rank > 0 || (rank.worldSize ?? 1) > 1);
}
