/**
 * Hardware collection: for real on this machine (CPU, memory, and whatever nvidia-smi says or
 * that it is absent), and with an injected runner replaying recorded nvidia-smi outputs
 * (fixtures/nvidia-smi/) to check the GPU nodes, plus the cluster node from launcher env vars.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NamedNode, Term } from 'n3';
import { afterAll, describe, expect, it } from 'vitest';
import type { CollectContext } from '../../src/collect/context.js';
import {
  clusterFromEnv, collectHardware, parseCpuinfo, readCgroupLimits, type CommandResult, type CommandRunner,
} from '../../src/collect/hardware.js';
import { readProv } from '../../src/io/read.js';
import { writeProv } from '../../src/io/write.js';
import { isomorphic } from 'rdf-isomorphic';
import { RunGraph } from '../../src/prov/graph.js';
import { prov, rdf, reprov, schema } from '../../src/prov/vocabulary.js';

const BASE = 'https://example.org/bundle/';
const MIB = 2 ** 20;
const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/nvidia-smi/${name}`, import.meta.url)), 'utf8');
const nvidiaSmiPresent = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8' }).error === undefined;

function context(env: NodeJS.ProcessEnv = {}): CollectContext {
  const graph = new RunGraph(BASE);
  return { graph, run: graph.node('run'), cwd: process.cwd(), env };
}
function objects(ctx: CollectContext, subject: NamedNode, predicate: NamedNode): Term[] {
  return ctx.graph.quads.filter((q) => q.subject.equals(subject) && q.predicate.equals(predicate)).map((q) => q.object);
}
const values = (ctx: CollectContext, s: NamedNode, p: NamedNode) => objects(ctx, s, p).map((o) => o.value);
const one = (ctx: CollectContext, s: NamedNode, p: NamedNode) => {
  const v = values(ctx, s, p);
  expect(v, `${s.value} ${p.value}`).toHaveLength(1);
  return v[0];
};

/** Replays recorded outputs: `query` for `--query-gpu=...`, `plain` for bare `nvidia-smi`. */
function replay(query: string | Error, plain: string | Error = ''): CommandRunner & { calls: string[][] } {
  const calls: string[][] = [];
  const run = async (cmd: string, args: string[]): Promise<CommandResult> => {
    if (cmd === 'rocm-smi') throw Object.assign(new Error('spawn rocm-smi ENOENT'), { code: 'ENOENT' }); // no AMD tools on these machines
    expect(cmd).toBe('nvidia-smi');
    calls.push(args);
    const answer = args.length === 0 ? plain : query;
    if (answer instanceof Error) throw answer;
    return { code: /failed|No devices/.test(answer) ? 9 : 0, stdout: answer, stderr: '' };
  };
  return Object.assign(run, { calls });
}
const enoent = () => Object.assign(new Error('spawn nvidia-smi ENOENT'), { code: 'ENOENT' });

describe('real collection on this machine', () => {
  it('records CPU, threads and memory, and a reason instead of GPUs when nvidia-smi cannot be asked', async () => {
    const ctx = context();
    const info = await collectHardware(ctx);
    const hw = ctx.graph.node('hardware');
    expect(info.node.equals(hw)).toBe(true);
    expect(info.cpuThreads).toBe(os.cpus().length);
    expect(info.cpuThreads).toBeGreaterThan(0);
    expect(info.memoryBytes).toBe(os.totalmem());
    expect(info.cpuModel).toBeTruthy();
    if (info.cpuCores !== undefined) expect(info.cpuCores).toBeLessThanOrEqual(info.cpuThreads);

    expect(values(ctx, ctx.run, prov.used)).toContain(hw.value);
    expect(values(ctx, hw, rdf.type)).toEqual([prov.Entity.value, reprov.Hardware.value]);
    expect(one(ctx, hw, reprov.cpuModel)).toBe(info.cpuModel);
    expect(Number(one(ctx, hw, reprov.cpuThreads))).toBe(info.cpuThreads);
    expect(Number(one(ctx, hw, reprov.memoryBytes))).toBe(os.totalmem());

    if (!nvidiaSmiPresent) {
      expect(info.gpus).toEqual([]);
      expect(info.gpuUnknownReason).toBe('nvidia-smi not found');
      expect(one(ctx, hw, reprov.unknownReason)).toBe('nvidia-smi not found');
      expect(values(ctx, hw, reprov.gpuCount)).toEqual([]);
    } else {
      // On a GPU machine: either GPUs or the reason there are none.
      expect(info.gpus.length > 0 || info.gpuUnknownReason !== undefined).toBe(true);
      for (const gpu of info.gpus) expect(gpu.name).toBeTruthy();
    }
    expect(info.cluster).toBeUndefined();
    expect(values(ctx, ctx.graph.node('cluster'), rdf.type)).toEqual([]);
  });
});

describe('GPUs from replayed nvidia-smi output', () => {
  it('builds one node per GPU from the recorded 8-GPU MIG query, with the CUDA version from the table', async () => {
    // The query and the table are recordings of two different machines: this checks the wiring.
    const run = replay(fixture('rtx-pro-6000-x8-mig-query.csv.txt'), fixture('h100-sxm-x8-table.txt'));
    const ctx = context();
    const info = await collectHardware(ctx, { run });
    expect(run.calls[0]?.[0]).toBe('--query-gpu=index,uuid,name,memory.total,driver_version,pci.bus_id,mig.mode.current,power.limit,compute_cap');
    expect(run.calls[0]?.[1]).toBe('--format=csv,noheader,nounits');
    expect(info.gpus).toHaveLength(8);
    expect(info.cudaVersion).toBe('12.7');

    const hw = ctx.graph.node('hardware');
    expect(Number(one(ctx, hw, reprov.gpuCount))).toBe(8);
    expect(values(ctx, hw, reprov.unknownReason)).toEqual([]);
    const gpuNodes = values(ctx, hw, reprov.gpu);
    expect(gpuNodes).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => `${BASE}hardware/gpu/${i}`));

    const gpu4 = ctx.graph.node('hardware', 'gpu', '4');
    expect(values(ctx, gpu4, rdf.type)).toEqual([prov.Entity.value, reprov.GPU.value]);
    expect(one(ctx, gpu4, schema.name)).toBe('NVIDIA RTX PRO 6000 Blackwell Server Edition');
    expect(Number(one(ctx, gpu4, reprov.gpuIndex))).toBe(4);
    expect(Number(one(ctx, gpu4, reprov.memoryBytes))).toBe(97887 * MIB);
    expect(one(ctx, gpu4, reprov.driverVersion)).toBe('610.43.02');
    expect(one(ctx, gpu4, reprov.cudaVersion)).toBe('12.7');
    expect(one(ctx, gpu4, reprov.uuid)).toBe('GPU-4c395b7a-a7e6-d90f-1ced-d96e8dd68288');
    expect(one(ctx, gpu4, reprov.migMode)).toBe('Enabled');
    const memory = objects(ctx, gpu4, reprov.memoryBytes)[0];
    expect(memory?.termType === 'Literal' && memory.datatype.value).toBe('http://www.w3.org/2001/XMLSchema#long');

    // Every node is a PROV record, so the bundle's PROV-JSON keeps all of it.
    const dataset = { quads: ctx.graph.quads, prefixes: {}, warnings: [], skipped: [] };
    const again = await readProv(await writeProv(dataset, 'provjson'), { format: 'provjson' });
    expect(isomorphic(again.quads, ctx.graph.quads)).toBe(true);
  });

  it('falls back to the plain table when the query output is unusable', async () => {
    const run = replay('Invalid combination of input arguments. Please run \'nvidia-smi -h\' for help.', fixture('h100-sxm-x8-table.txt'));
    const ctx = context();
    const info = await collectHardware(ctx, { run });
    expect(info.gpus).toHaveLength(8);
    const gpu0 = ctx.graph.node('hardware', 'gpu', '0');
    expect(one(ctx, gpu0, schema.name)).toBe('NVIDIA H100 80GB HBM3');
    expect(one(ctx, gpu0, reprov.driverVersion)).toBe('565.57.01');
    expect(one(ctx, gpu0, reprov.migMode)).toBe('Disabled');
    expect(Number(one(ctx, gpu0, reprov.memoryBytes))).toBe(81559 * MIB);
  });

  it('retries without compute_cap on drivers that do not know it', async () => {
    const calls: string[][] = [];
    const run: CommandRunner = async (_cmd, args) => {
      calls.push(args);
      if (args[0]?.includes('compute_cap')) return { code: 2, stdout: 'Field "compute_cap" is not a valid field to query.\n\n', stderr: '' };
      if (args.length === 0) return { code: 0, stdout: fixture('a10g-table.txt'), stderr: '' };
      // Constructed answer to the legacy field list (8 columns).
      return { code: 0, stdout: '0, GPU-0a0a0a0a-0000-0000-0000-000000000000, NVIDIA A10G, 23028, 535.247.01, 00000000:00:1E.0, [N/A], 300.00\n', stderr: '' };
    };
    const ctx = context();
    const info = await collectHardware(ctx, { run });
    expect(calls).toHaveLength(3);
    expect(calls[1]?.[0]).not.toContain('compute_cap');
    expect(info.gpus[0]).toMatchObject({ name: 'NVIDIA A10G', memoryBytes: 23028 * MIB, migMode: 'N/A', powerLimitW: 300 });
    expect(info.cudaVersion).toBe('12.2');
  });

  it.each([
    ['nvidia-smi absent', replay(enoent()), 'nvidia-smi not found', []],
    ['driver not loaded', replay(fixture('no-driver.txt'), fixture('no-driver.txt')),
      "driver not loaded: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.", []],
    ['no devices', replay(fixture('no-devices.txt'), fixture('no-devices.txt')), 'no devices', ['0']],
  ])('%s: unknownReason on the hardware node, never a throw', async (_label, run, expected, gpuCount) => {
    const ctx = context();
    const info = await collectHardware(ctx, { run });
    expect(info.gpus).toEqual([]);
    expect(info.gpuUnknownReason).toBe(expected);
    const hw = ctx.graph.node('hardware');
    expect(values(ctx, hw, reprov.unknownReason)).toEqual([expected]);
    expect(values(ctx, hw, reprov.gpuCount)).toEqual(gpuCount);
    expect(values(ctx, hw, reprov.gpu)).toEqual([]);
  });

  it('reports a runner timeout as a reason', async () => {
    const run: CommandRunner = async (cmd) => { throw Object.assign(new Error(`${cmd} timed out after 10 s`), { code: 'ETIMEDOUT' }); };
    const info = await collectHardware(context(), { run });
    // rocm-smi is there too (it timed out rather than being absent): both reasons
    expect(info.gpuUnknownReason).toBe('nvidia-smi timed out; rocm-smi timed out');
  });
});

describe('cluster context from the environment', () => {
  const noGpu = replay(enoent());

  it('SLURM job', async () => {
    const ctx = context({
      SLURM_JOB_ID: '4242', SLURM_JOB_NUM_NODES: '2', SLURM_JOB_NODELIST: 'gpu[01-02]', SLURM_PROCID: '3', SLURM_LOCALID: '1', SLURM_NTASKS: '8',
    });
    const info = await collectHardware(ctx, { run: noGpu });
    expect(info.cluster).toEqual({ schedulers: ['slurm'], jobId: '4242', nodeCount: 2, nodeList: 'gpu[01-02]', rank: 3, localRank: 1, worldSize: 8 });
    const cluster = ctx.graph.node('cluster');
    expect(values(ctx, ctx.run, prov.used)).toContain(cluster.value);
    expect(values(ctx, cluster, rdf.type)).toContain(reprov.ClusterContext.value);
    expect(one(ctx, cluster, reprov.scheduler)).toBe('slurm');
    expect(one(ctx, cluster, reprov.jobId)).toBe('4242');
    expect(Number(one(ctx, cluster, reprov.nodeCount))).toBe(2);
    expect(one(ctx, cluster, reprov.nodeList)).toBe('gpu[01-02]');
    expect(Number(one(ctx, cluster, reprov.rank))).toBe(3);
    expect(Number(one(ctx, cluster, reprov.localRank))).toBe(1);
    expect(Number(one(ctx, cluster, reprov.worldSize))).toBe(8);
  });

  it('torchrun', async () => {
    const ctx = context({ RANK: '5', LOCAL_RANK: '1', WORLD_SIZE: '16', MASTER_ADDR: 'node0', MASTER_PORT: '29500' });
    const info = await collectHardware(ctx, { run: noGpu });
    expect(info.cluster).toEqual({ schedulers: ['torchrun'], rank: 5, localRank: 1, worldSize: 16 });
    const cluster = ctx.graph.node('cluster');
    expect(one(ctx, cluster, reprov.scheduler)).toBe('torchrun');
    expect(Number(one(ctx, cluster, reprov.worldSize))).toBe(16);
    expect(values(ctx, cluster, reprov.jobId)).toEqual([]);
  });

  it('torchrun inside a SLURM job: ranks from torchrun, job from SLURM', () => {
    expect(clusterFromEnv({ SLURM_JOB_ID: '7', SLURM_PROCID: '0', SLURM_NTASKS: '2', RANK: '3', LOCAL_RANK: '3', WORLD_SIZE: '8' }))
      .toEqual({ schedulers: ['slurm', 'torchrun'], jobId: '7', rank: 3, localRank: 3, worldSize: 8 });
  });

  it('Open MPI and PMI', () => {
    expect(clusterFromEnv({ OMPI_COMM_WORLD_RANK: '2', OMPI_COMM_WORLD_SIZE: '4', OMPI_COMM_WORLD_LOCAL_RANK: '0' }))
      .toEqual({ schedulers: ['mpi'], rank: 2, localRank: 0, worldSize: 4 });
    expect(clusterFromEnv({ PMI_RANK: '1', PMI_SIZE: '2' })).toEqual({ schedulers: ['mpi'], rank: 1, worldSize: 2 });
    expect(clusterFromEnv({ HOME: '/root', PATH: '/usr/bin' })).toBeUndefined();
  });
});

describe('CPU and cgroup details', () => {
  const dirs: string[] = [];
  afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  it('counts physical cores from /proc/cpuinfo (2 sockets x 2 cores x 2 threads)', () => {
    const cpu = (p: number, c: number) => `processor\t: 0\nmodel name\t: Example CPU @ 2.00GHz\nphysical id\t: ${p}\ncore id\t\t: ${c}\ncpu cores\t: 2\n`;
    const text = [cpu(0, 0), cpu(0, 0), cpu(0, 1), cpu(0, 1), cpu(1, 0), cpu(1, 0), cpu(1, 1), cpu(1, 1)].join('\n');
    expect(parseCpuinfo(text)).toEqual({ model: 'Example CPU @ 2.00GHz', cores: 4 });
    expect(parseCpuinfo('processor\t: 0\nBogoMIPS\t: 50.00\n')).toEqual({});
  });

  it('reads cgroup v2 limits and records them on the hardware node', async () => {
    const root = mkdtempSync(join(os.tmpdir(), 'reprov-cgroup-'));
    dirs.push(root);
    writeFileSync(join(root, 'memory.max'), '8589934592\n');
    writeFileSync(join(root, 'cpu.max'), '250000 100000\n');
    expect(await readCgroupLimits(root)).toEqual({ memoryLimitBytes: 8589934592, cpuLimit: 2.5 });
    const ctx = context();
    await collectHardware(ctx, { run: replay(enoent()), cgroupRoot: root });
    const hw = ctx.graph.node('hardware');
    const limits = ctx.graph.quads.filter((q) => q.subject.equals(hw) && q.predicate.value.startsWith('https://w3id.org/reprov#cgroup'));
    expect(limits.map((q) => [q.predicate.value, q.object.value])).toEqual([
      ['https://w3id.org/reprov#cgroupMemoryLimitBytes', '8589934592'],
      ['https://w3id.org/reprov#cgroupCpuLimit', '2.5'],
    ]);

    writeFileSync(join(root, 'memory.max'), 'max\n');
    writeFileSync(join(root, 'cpu.max'), 'max 100000\n');
    expect(await readCgroupLimits(root)).toEqual({});
  });
});
