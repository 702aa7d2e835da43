import type { NamedNode, Term } from 'n3';
import { objects, runs, usedOfType } from '../src/check/graph-query.js';
import { defineRule, finding, findings, notApplicable } from '../src/check/rule-kit.js';
import type { Finding } from '../src/check/types.js';
import { reprov, schema } from '../src/prov/vocabulary.js';

const meta = {
  id: 'RPV-H002',
  title: 'GPUs are described',
  category: 'hardware',
  severity: 'error',
  weight: 8,
  description: 'For a run on GPUs (a reprov:Hardware node it used with reprov:gpuCount above 0 or any reprov:gpu), the hardware records the GPU count (reprov:gpuCount) and each GPU (reprov:GPU) records its model (schema:name), memory (reprov:memoryBytes), driver version (reprov:driverVersion) and CUDA version (reprov:cudaVersion). Runs without GPUs are not checked.',
  why: 'GPU model, driver and CUDA version pick the kernels that run (cuDNN, cuBLAS, TF32), and so the numbers a model trains to; memory and count decide batch sizes and parallelism. A rerun on other GPUs or drivers can differ, or not fit, without anyone knowing why.',
  fix: 'Record the run where `nvidia-smi` is on PATH (install the NVIDIA driver utilities, or mount them into the container, e.g. `docker run --gpus all …`), with the hardware collector on (no `--no-hardware`).',
  example: {
    failing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/hardware> .\n<urn:r/hardware> a prov:Entity, reprov:Hardware ; reprov:cpuModel "AMD EPYC 7763 64-Core Processor" ; reprov:memoryBytes 540893675520 ; reprov:gpuCount 1 ; reprov:gpu <urn:r/hardware/gpu/0> .\n<urn:r/hardware/gpu/0> a prov:Entity, reprov:GPU ; reprov:gpuIndex 0 ; schema:name "NVIDIA A100-SXM4-80GB" .',
    passing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/hardware> .\n<urn:r/hardware> a prov:Entity, reprov:Hardware ; reprov:cpuModel "AMD EPYC 7763 64-Core Processor" ; reprov:memoryBytes 540893675520 ; reprov:gpuCount 1 ; reprov:gpu <urn:r/hardware/gpu/0> .\n<urn:r/hardware/gpu/0> a prov:Entity, reprov:GPU ; reprov:gpuIndex 0 ; schema:name "NVIDIA A100-SXM4-80GB" ; reprov:memoryBytes 85899345920 ; reprov:driverVersion "535.161.08" ; reprov:cudaVersion "12.2" .',
  },
} as const;

const GPU_FIELDS: readonly [NamedNode, string][] = [
  [schema.name, 'model (schema:name)'],
  [reprov.memoryBytes, 'memory (reprov:memoryBytes)'],
  [reprov.driverVersion, 'driver version (reprov:driverVersion)'],
  [reprov.cudaVersion, 'CUDA version (reprov:cudaVersion)'],
];

export default defineRule({
  meta,
  check(input) {
    const values = (node: Term, predicate: NamedNode) => objects(input.store, node, predicate);
    const hardware = [...new Map(runs(input.store).flatMap((run) => usedOfType(input.store, run, reprov.Hardware)).map((h) => [h.value, h])).values()];
    const withGpus = hardware.map((node) => {
      const counts = values(node, reprov.gpuCount).map((c) => Number(c.value)).filter(Number.isFinite);
      return { node, count: counts.length ? Math.max(...counts) : undefined, gpus: values(node, reprov.gpu) };
    }).filter((h) => h.gpus.length > 0 || (h.count ?? 0) > 0);
    if (!withGpus.length) {
      const none = hardware.some((node) => values(node, reprov.gpuCount).some((c) => Number(c.value) === 0));
      return notApplicable(none ? 'the run used no GPU (reprov:gpuCount 0)' : 'the bundle records no GPU (no reprov:gpuCount above 0, no reprov:gpu)');
    }
    return findings(withGpus.flatMap(({ node, count, gpus }) => {
      const list: Finding[] = [];
      if (count === undefined) {
        list.push(finding(input, meta, node, `the hardware describes ${gpus.length} ${gpus.length === 1 ? 'GPU' : 'GPUs'} but records no GPU count (reprov:gpuCount): a rerun cannot tell whether it sees all the GPUs the run had`));
      } else if (gpus.length < count) {
        list.push(finding(input, meta, node, gpus.length
          ? `the run used ${count} GPUs but the hardware describes only ${gpus.length}: record each GPU (reprov:gpu) with its model, memory, driver and CUDA version`
          : `the run used ${count} ${count === 1 ? 'GPU' : 'GPUs'} but records no model, memory, driver or CUDA version for ${count === 1 ? 'it' : 'them'} (no reprov:gpu)`));
      }
      for (const gpu of gpus) {
        const missing = GPU_FIELDS.filter(([predicate]) => !values(gpu, predicate).length).map(([, label]) => label);
        if (missing.length) list.push(finding(input, meta, gpu, `the GPU records no ${missing.join(', no ')}: a rerun cannot match the GPU setup that produced the results`));
      }
      return list;
    }));
  },
});
