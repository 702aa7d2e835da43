/**
 * Hardware collector: what a run ran on, because the same code gives different numbers (and
 * different energy) on a different CPU, GPU, driver or share of a node.
 *
 * Records CPU model, physical cores and hardware threads, memory, container (cgroup v2/v1) limits,
 * the NVIDIA GPUs `nvidia-smi` reports (model, memory, driver, CUDA version, UUID, MIG mode), the
 * AMD GPUs `rocm-smi --json` reports when nvidia-smi lists none (model, memory, driver, bus, unique
 * id, gfx version: src/collect/rocm-smi.ts), and the cluster context a launcher leaves in the
 * environment (Slurm, torchrun, Open MPI, PMI). Each GPU node carries `reprov:gpuVendor`.
 *
 * GPU reasons: when rocm-smi is absent the reason is nvidia-smi's alone (`nvidia-smi not found`);
 * when nvidia-smi is absent and rocm-smi answers, rocm-smi's (`driver not loaded: ...`, `no
 * devices`, `rocm-smi printed invalid JSON: ...`); when both are there and both fail, both, `; `-joined.
 *
 * Nothing here throws for a machine that lacks something: a missing `nvidia-smi`, an unloaded
 * driver or zero devices become `reprov:unknownReason` on the hardware node, so a check can tell
 * "this run had no GPU facts because ..." from "nobody looked". `nvidia-smi` is run through an
 * injectable runner so tests replay recorded outputs (fixtures/nvidia-smi/).
 *
 * Graph: `<run> prov:used <hardware>`; `<hardware>` a prov:Entity, reprov:Hardware;
 * `<hardware> reprov:gpu <hardware/gpu/N>` (reprov:GPU); `<run> prov:used <cluster>`
 * (reprov:ClusterContext) when a launcher is detected.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { NamedNode } from 'n3';
import { prov, reprov, schema } from '../prov/vocabulary.js';
import type { CollectContext } from './context.js';
import {
  GPU_QUERY_FIELDS, GPU_QUERY_FIELDS_LEGACY, isUnknown, parseCudaVersion, parseGpuQuery, parseSmiHeader, parseSmiTable,
  queryArgs, type GpuInfo,
} from './nvidia-smi.js';
import { parseRocmSmiJson, ROCM_SMI_ARGS } from './rocm-smi.js';



export interface CommandResult {
  /** Exit code; null when the process was killed by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command. May reject: an error with `code: 'ENOENT'` means the program is absent, one with
 * `code: 'ETIMEDOUT'` that it ran past its time limit.
 */
export type CommandRunner = (cmd: string, args: string[]) => Promise<CommandResult>;

/** The default runner: execFile with a time limit (10 s), output as UTF-8, non-zero exits resolved. */
export function runCommand(cmd: string, args: string[], timeoutMs = 10_000): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8', windowsHide: true, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve({ code: 0, stdout, stderr });
      const err = error as NodeJS.ErrnoException & { killed?: boolean; code?: string | number };
      if (err.code === 'ENOENT') return reject(err);
      if (err.killed) {
        return reject(Object.assign(new Error(`${cmd} timed out after ${Math.round(timeoutMs / 1000)} s`), { code: 'ETIMEDOUT' }));
      }
      resolve({ code: typeof err.code === 'number' ? err.code : null, stdout, stderr });
    });
  });
}

/** Why a runner call failed, as a reason string; ENOENT is "<cmd> not found". */
export function runnerFailureReason(cmd: string, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return `${cmd} not found`;
  if (code === 'ETIMEDOUT') return `${cmd} timed out`;
  return `${cmd} failed: ${error instanceof Error ? error.message : String(error)}`;
}

export interface CgroupLimits {
  /** memory.max (v2) or memory.limit_in_bytes (v1), when a limit is set. */
  memoryLimitBytes?: number;
  /** CPU quota / period from cpu.max (v2) or cpu.cfs_quota_us / cpu.cfs_period_us (v1), in CPUs. */
  cpuLimit?: number;
}

export interface ClusterInfo {
  /** Launchers detected, outermost first: `slurm`, `torchrun`, `mpi`. */
  schedulers: string[];
  jobId?: string;
  nodeCount?: number;
  nodeList?: string;
  rank?: number;
  localRank?: number;
  worldSize?: number;
}

export interface HardwareInfo {
  node: NamedNode;
  cpuModel?: string;
  /** Physical cores, when /proc/cpuinfo tells them apart from hardware threads. */
  cpuCores?: number;
  cpuThreads: number;
  memoryBytes: number;
  cgroup: CgroupLimits;
  gpus: (GpuInfo & { vendor?: string; gfxVersion?: string })[];
  /** Why GPU facts are missing (`nvidia-smi not found`, `driver not loaded: ...`, `no devices`). */
  gpuUnknownReason?: string;
  cudaVersion?: string;
  cluster?: ClusterInfo;
}

export interface HardwareOptions {
  run?: CommandRunner;
  /** Where /proc lives (tests). */
  procRoot?: string;
  /** Where the cgroup filesystem is mounted (tests). */
  cgroupRoot?: string;
}

export async function collectHardware(ctx: CollectContext, options: HardwareOptions = {}): Promise<HardwareInfo> {
  const run = options.run ?? ((cmd, args) => runCommand(cmd, args));
  const procRoot = options.procRoot ?? '/proc';
  const cgroupRoot = options.cgroupRoot ?? '/sys/fs/cgroup';

  const cpus = os.cpus();
  const cpuinfo = await readText(`${procRoot}/cpuinfo`);
  const cpu = cpuinfo !== undefined ? parseCpuinfo(cpuinfo) : {};
  const gpu = await queryAllGpus(run);
  const info: HardwareInfo = {
    node: ctx.graph.node('hardware'),
    cpuThreads: cpus.length,
    memoryBytes: os.totalmem(),
    cgroup: await readCgroupLimits(cgroupRoot),
    gpus: gpu.gpus,
  };
  const cpuModel = cpu.model ?? cpus[0]?.model?.trim();
  if (cpuModel) info.cpuModel = cpuModel;
  if (cpu.cores !== undefined) info.cpuCores = cpu.cores;
  if (gpu.reason !== undefined) info.gpuUnknownReason = gpu.reason;
  if (gpu.cudaVersion !== undefined) info.cudaVersion = gpu.cudaVersion;
  const cluster = clusterFromEnv(ctx.env);
  if (cluster) info.cluster = cluster;

  writeGraph(ctx, info);
  return info;
}

// --- GPUs --------------------------------------------------------------------------------------

interface GpuResult { gpus: (GpuInfo & { vendor?: string; gfxVersion?: string })[]; reason?: string; cudaVersion?: string; absent?: boolean }

/** NVIDIA first; AMD (rocm-smi) when nvidia-smi lists no GPU. See the file comment for the reasons. */
async function queryAllGpus(run: CommandRunner): Promise<GpuResult> {
  const nvidia = await queryGpus(run);
  if (nvidia.gpus.length) {
    for (const g of nvidia.gpus) g.vendor = 'NVIDIA';
    return nvidia;
  }
  const amd = await queryRocmGpus(run);
  if (amd.absent) return nvidia;
  if (amd.gpus.length || nvidia.absent) return amd;
  const reason = nvidia.reason === amd.reason ? nvidia.reason : [nvidia.reason, amd.reason].filter(Boolean).join('; ');
  return reason ? { gpus: [], reason } : { gpus: [] };
}

async function queryRocmGpus(run: CommandRunner): Promise<GpuResult> {
  let answer: CommandResult;
  try {
    answer = await run('rocm-smi', [...ROCM_SMI_ARGS]);
  } catch (error) {
    const absent = (error as { code?: unknown } | null)?.code === 'ENOENT';
    return { gpus: [], reason: runnerFailureReason('rocm-smi', error), ...(absent ? { absent } : {}) };
  }
  const parsed = parseRocmSmiJson(answer.stdout.trim() === '' ? answer.stderr : answer.stdout);
  if (isUnknown(parsed)) return { gpus: [], reason: parsed.reason === 'no devices' ? parsed.reason : `rocm-smi: ${parsed.reason}` };
  return { gpus: parsed.gpus };
}

async function queryGpus(run: CommandRunner): Promise<GpuResult> {
  const call = async (args: string[]): Promise<CommandResult | { failed: string }> => {
    try {
      return await run('nvidia-smi', args);
    } catch (error) {
      return { failed: runnerFailureReason('nvidia-smi', error) };
    }
  };

  let answer = await call(queryArgs(GPU_QUERY_FIELDS));
  if ('failed' in answer) return { gpus: [], reason: answer.failed, ...(answer.failed === 'nvidia-smi not found' ? { absent: true } : {}) };
  let fields: readonly string[] = GPU_QUERY_FIELDS;
  if (/is not a valid field to query/i.test(answer.stdout + answer.stderr)) {
    // Drivers before R510 do not know compute_cap.
    fields = GPU_QUERY_FIELDS_LEGACY;
    answer = await call(queryArgs(fields));
    if ('failed' in answer) return { gpus: [], reason: answer.failed };
  }
  let parsed = parseGpuQuery(answer.stdout.trim() === '' ? answer.stderr : answer.stdout, fields);

  // The plain table carries the CUDA version, and serves as inventory when the query is unusable.
  const plain = await call([]);
  const plainText = 'failed' in plain ? '' : plain.stdout;
  if (isUnknown(parsed) && plainText !== '') {
    const table = parseSmiTable(plainText);
    if (!isUnknown(table)) parsed = table;
  }
  if (isUnknown(parsed)) return { gpus: [], reason: parsed.reason };

  const result: GpuResult = { gpus: parsed.gpus };
  const cuda = parseCudaVersion(plainText);
  if (cuda !== undefined) result.cudaVersion = cuda;
  const driver = parseSmiHeader(plainText).driverVersion;
  if (driver !== undefined) for (const g of result.gpus) g.driverVersion ??= driver;
  return result;
}

// --- CPU, memory, cgroup -----------------------------------------------------------------------

/** Model name and physical core count from /proc/cpuinfo (x86 and most ARM kernels). */
export function parseCpuinfo(text: string): { model?: string; cores?: number } {
  const result: { model?: string; cores?: number } = {};
  const physical = new Set<string>();
  const coresPerSocket = new Map<string, number>();
  let physicalId = '0';
  for (const block of text.split(/\n\s*\n/)) {
    const entry = new Map<string, string>();
    for (const line of block.split('\n')) {
      const at = line.indexOf(':');
      if (at > 0) entry.set(line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim());
    }
    const model = entry.get('model name') ?? entry.get('hardware') ?? entry.get('cpu model');
    if (model && result.model === undefined) result.model = model;
    physicalId = entry.get('physical id') ?? physicalId;
    const coreId = entry.get('core id');
    if (coreId !== undefined) physical.add(`${physicalId}:${coreId}`);
    const cpuCores = Number(entry.get('cpu cores'));
    if (Number.isInteger(cpuCores) && cpuCores > 0) coresPerSocket.set(physicalId, cpuCores);
  }
  if (physical.size > 0) result.cores = physical.size;
  else if (coresPerSocket.size > 0) result.cores = [...coresPerSocket.values()].reduce((a, b) => a + b, 0);
  return result;
}

/** Memory and CPU limits of the cgroup this process runs in (v2 first, then v1). */
export async function readCgroupLimits(root = '/sys/fs/cgroup'): Promise<CgroupLimits> {
  const limits: CgroupLimits = {};
  const memoryMax = (await readText(`${root}/memory.max`))?.trim();
  if (memoryMax !== undefined && /^\d+$/.test(memoryMax)) limits.memoryLimitBytes = Number(memoryMax);
  else if (memoryMax === undefined) {
    const v1 = (await readText(`${root}/memory/memory.limit_in_bytes`))?.trim();
    // v1 writes "unlimited" as a page-aligned LONG_MAX.
    if (v1 !== undefined && /^\d+$/.test(v1) && Number(v1) < 2 ** 60) limits.memoryLimitBytes = Number(v1);
  }
  const cpuMax = (await readText(`${root}/cpu.max`))?.trim();
  const v2 = cpuMax !== undefined ? /^(\d+)\s+(\d+)$/.exec(cpuMax) : null;
  if (v2) limits.cpuLimit = Number(v2[1]) / Number(v2[2]);
  else if (cpuMax === undefined) {
    const quota = Number((await readText(`${root}/cpu/cpu.cfs_quota_us`))?.trim());
    const period = Number((await readText(`${root}/cpu/cpu.cfs_period_us`))?.trim());
    if (quota > 0 && period > 0) limits.cpuLimit = quota / period;
  }
  return limits;
}

// --- cluster -----------------------------------------------------------------------------------

/** The launcher context in the environment: Slurm, torchrun (torch.distributed), Open MPI, PMI. */
export function clusterFromEnv(env: NodeJS.ProcessEnv): ClusterInfo | undefined {
  const int = (name: string): number | undefined => {
    const v = env[name]?.trim();
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  const schedulers: string[] = [];
  const cluster: ClusterInfo = { schedulers };
  let rank: number | undefined;
  let localRank: number | undefined;
  let worldSize: number | undefined;

  if (env.SLURM_JOB_ID !== undefined || env.SLURM_JOBID !== undefined) {
    schedulers.push('slurm');
    const jobId = (env.SLURM_JOB_ID ?? env.SLURM_JOBID ?? '').trim();
    if (jobId) cluster.jobId = jobId;
    const nodes = int('SLURM_JOB_NUM_NODES') ?? int('SLURM_NNODES');
    if (nodes !== undefined) cluster.nodeCount = nodes;
    const list = (env.SLURM_JOB_NODELIST ?? env.SLURM_NODELIST)?.trim();
    if (list) cluster.nodeList = list;
    rank = int('SLURM_PROCID');
    localRank = int('SLURM_LOCALID');
    worldSize = int('SLURM_NTASKS');
  }
  const pick = (r?: number, l?: number, w?: number) => {
    // An inner launcher (torchrun, mpirun) knows the ranks of the processes it started.
    if (r !== undefined) rank = r;
    if (l !== undefined) localRank = l;
    if (w !== undefined) worldSize = w;
  };
  const ompi = env.OMPI_COMM_WORLD_RANK !== undefined || env.OMPI_COMM_WORLD_SIZE !== undefined;
  const pmi = env.PMI_RANK !== undefined || env.PMI_SIZE !== undefined;
  if (ompi || pmi) {
    schedulers.push('mpi');
    if (ompi) pick(int('OMPI_COMM_WORLD_RANK'), int('OMPI_COMM_WORLD_LOCAL_RANK'), int('OMPI_COMM_WORLD_SIZE'));
    else pick(int('PMI_RANK'), int('MPI_LOCALRANKID') ?? int('PMI_LOCAL_RANK'), int('PMI_SIZE'));
  }
  if (env.RANK !== undefined && env.WORLD_SIZE !== undefined) {
    schedulers.push('torchrun');
    pick(int('RANK'), int('LOCAL_RANK'), int('WORLD_SIZE'));
  }
  if (schedulers.length === 0) return undefined;
  if (rank !== undefined) cluster.rank = rank;
  if (localRank !== undefined) cluster.localRank = localRank;
  if (worldSize !== undefined) cluster.worldSize = worldSize;
  return cluster;
}

// --- graph -------------------------------------------------------------------------------------

function writeGraph(ctx: CollectContext, info: HardwareInfo): void {
  const { graph } = ctx;
  const hw = info.node;
  graph.add(ctx.run, prov.used, hw);
  graph.describe(hw, [prov.Entity, reprov.Hardware], 'Hardware');
  graph.add(hw, reprov.cpuModel, info.cpuModel);
  graph.add(hw, reprov.cpuCores, info.cpuCores);
  graph.add(hw, reprov.cpuThreads, info.cpuThreads);
  graph.add(hw, reprov.memoryBytes, info.memoryBytes);
  graph.add(hw, reprov.cgroupMemoryLimitBytes, info.cgroup.memoryLimitBytes);
  graph.add(hw, reprov.cgroupCpuLimit, info.cgroup.cpuLimit);
  if (info.gpuUnknownReason !== undefined) {
    graph.add(hw, reprov.unknownReason, info.gpuUnknownReason);
    // "No devices" is still an answer: nvidia-smi saw zero GPUs.
    if (info.gpuUnknownReason === 'no devices') graph.add(hw, reprov.gpuCount, 0);
  } else {
    graph.add(hw, reprov.gpuCount, info.gpus.length);
  }
  for (const gpu of info.gpus) {
    const node = graph.node('hardware', 'gpu', String(gpu.index));
    graph.add(hw, reprov.gpu, node);
    graph.describe(node, [prov.Entity, reprov.GPU], `GPU ${gpu.index}${gpu.name ? `: ${gpu.name}` : ''}`);
    graph.add(node, reprov.gpuIndex, gpu.index);
    graph.add(node, schema.name, gpu.name);
    graph.add(node, reprov.gpuVendor, gpu.vendor);
    graph.add(node, reprov.memoryBytes, gpu.memoryBytes);
    graph.add(node, reprov.driverVersion, gpu.driverVersion);
    graph.add(node, reprov.cudaVersion, info.cudaVersion);
    graph.add(node, reprov.uuid, gpu.uuid);
    graph.add(node, reprov.migMode, gpu.migMode);
    graph.add(node, reprov.pciBusId, gpu.pciBusId);
    graph.add(node, reprov.powerLimitWatts, gpu.powerLimitW);
    graph.add(node, reprov.computeCapability, gpu.computeCap);
  }
  const cluster = info.cluster;
  if (cluster) {
    const node = graph.node('cluster');
    graph.add(ctx.run, prov.used, node);
    graph.describe(node, [prov.Entity, reprov.ClusterContext], `Cluster context (${cluster.schedulers.join(', ')})`);
    for (const s of cluster.schedulers) graph.add(node, reprov.scheduler, s);
    graph.add(node, reprov.jobId, cluster.jobId);
    graph.add(node, reprov.nodeCount, cluster.nodeCount);
    graph.add(node, reprov.nodeList, cluster.nodeList);
    graph.add(node, reprov.rank, cluster.rank);
    graph.add(node, reprov.localRank, cluster.localRank);
    graph.add(node, reprov.worldSize, cluster.worldSize);
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}
