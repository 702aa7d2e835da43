import type { Term } from 'n3';
import { objects, runs } from '../src/check/graph-query.js';
import { defineRule, finding, findings, notApplicable } from '../src/check/rule-kit.js';
import type { CheckInput, Finding } from '../src/check/types.js';
import { dcterms, DETERMINISM_VARIABLES, mls, prov, rdf, rdfs, reprov } from '../src/prov/vocabulary.js';

const meta = {
  id: 'RPV-T002',
  title: 'No known nondeterministic setting',
  category: 'determinism',
  severity: 'warning',
  weight: 6,
  description: 'The settings a run recorded (determinism settings, environment variables, parameters) switch on no known source of nondeterminism: PYTHONHASHSEED=random, TF_DETERMINISTIC_OPS or TF_CUDNN_DETERMINISTIC off, cudnn benchmark (cudnn_benchmark, torch.backends.cudnn.benchmark) on, use_deterministic_algorithms or deterministic off; and a run on a GPU (reprov:gpuCount > 0) records CUBLAS_WORKSPACE_CONFIG. Each finding names the setting (or the run, for a missing one).',
  why: 'These switches make a run take different code paths from one execution to the next: cuDNN benchmarking picks kernels by timing, nondeterministic kernels reduce in a varying order, cuBLAS without a fixed workspace splits work differently, and a random hash seed changes set and dict iteration order. The same seed then still gives different numbers.',
  fix: 'Export PYTHONHASHSEED=0 (any fixed number) and, on GPUs, CUBLAS_WORKSPACE_CONFIG=:4096:8; set TF_DETERMINISTIC_OPS=1; call torch.use_deterministic_algorithms(True) and set torch.backends.cudnn.benchmark = False (Lightning: Trainer(deterministic=True)); record the run again.',
  example: {
    failing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/determinism/PYTHONHASHSEED>, <urn:r/param/cudnn_benchmark> .\n<urn:r/determinism/PYTHONHASHSEED> a prov:Entity, reprov:DeterminismSetting ; reprov:settingName "PYTHONHASHSEED" ; prov:value "random" ; reprov:source "environment" .\n<urn:r/param/cudnn_benchmark> a prov:Entity, mls:HyperParameterSetting, reprov:Parameter ; rdfs:label "cudnn_benchmark" ; prov:value true .',
    passing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/determinism/PYTHONHASHSEED>, <urn:r/param/cudnn_benchmark> .\n<urn:r/determinism/PYTHONHASHSEED> a prov:Entity, reprov:DeterminismSetting ; reprov:settingName "PYTHONHASHSEED" ; prov:value "0" ; reprov:source "environment" .\n<urn:r/param/cudnn_benchmark> a prov:Entity, mls:HyperParameterSetting, reprov:Parameter ; rdfs:label "cudnn_benchmark" ; prov:value false .',
  },
} as const;

/** A named value the run recorded: a determinism setting, a parameter or an environment variable. */
interface Setting {
  node: Term;
  name: string;
  values: string[];
}

const TRUE = /^(true|1|yes|on)$/i;
const FALSE = /^(false|0|no|off)$/i;

/** Names that make a parameter or setting about determinism, whatever its value. */
const BENCHMARK = /cudnn[._-]?benchmark$/i;
const USE_DETERMINISTIC = /use[._-]?deterministic[._-]?algorithms$/i;
const DETERMINISTIC = /(^|[._ -])deterministic$/i;
const DETERMINISM_NAMES = new Set<string>(DETERMINISM_VARIABLES);
const isDeterminismName = (name: string) =>
  DETERMINISM_NAMES.has(name) || BENCHMARK.test(name) || USE_DETERMINISTIC.test(name) || DETERMINISTIC.test(name) || /^TF_DETERMINISTIC_OPS$/i.test(name);

/** What is wrong with a setting, or undefined. */
function problem({ name, values }: Setting): string | undefined {
  const is = (test: RegExp) => values.some((v) => test.test(v.trim()));
  const shown = `${name}=${values.join(',')}`;
  if (/^PYTHONHASHSEED$/i.test(name) && is(/^random$/i)) {
    return `${shown}: Python salts str and bytes hashes differently in every process, so set and dict iteration order changes between runs`;
  }
  if (/^TF_DETERMINISTIC_OPS$/i.test(name) && is(FALSE)) return `${shown}: TensorFlow may pick nondeterministic GPU kernels`;
  if (BENCHMARK.test(name) && is(TRUE)) return `${shown}: cuDNN benchmarking chooses convolution algorithms by timing them, so a rerun may use different kernels`;
  if (USE_DETERMINISTIC.test(name) && is(FALSE)) return `${shown}: PyTorch may use nondeterministic kernels (atomic-add reductions, scatter, index_add)`;
  if (DETERMINISTIC.test(name) && is(FALSE)) return `${shown}: deterministic algorithms are switched off`;
  return undefined;
}

const lastSegment = (term: Term) => {
  const segment = term.value.replace(/^.*[#/]/, '');
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** Every statement, whatever graph it is in. */
const all = (store: CheckInput['store'], s: Term | null, p: Term | null, o: Term | null) => store.getQuads(s, p, o, null);
const typed = (store: CheckInput['store'], node: Term, type: Term) => all(store, node, rdf.type, type).length > 0;
const first = (store: CheckInput['store'], node: Term, predicate: Term) => all(store, node, predicate, null)[0]?.object.value;
const values = (store: CheckInput['store'], node: Term) => all(store, node, prov.value, null).map((q) => q.object.value);

/** The settings a run recorded, determinism settings first (so a finding names them rather than the plain variable). */
function settingsOf(store: CheckInput['store'], run: Term): Setting[] {
  const used = objects(store, run, prov.used);
  const settings: Setting[] = [];
  for (const node of used.filter((n) => typed(store, n, reprov.DeterminismSetting))) {
    settings.push({ node, name: first(store, node, reprov.settingName) ?? first(store, node, rdfs.label) ?? lastSegment(node), values: values(store, node) });
  }
  for (const node of used.filter((n) => typed(store, n, reprov.Parameter) || typed(store, n, mls.HyperParameterSetting))) {
    settings.push({ node, name: first(store, node, rdfs.label) ?? lastSegment(node), values: values(store, node) });
  }
  for (const environment of used.filter((n) => typed(store, n, reprov.Environment))) {
    for (const node of objects(store, environment, reprov.variable)) {
      const name = first(store, node, reprov.variableName);
      if (name !== undefined) settings.push({ node, name, values: values(store, node) });
    }
  }
  return settings;
}

/** The number of GPUs of the hardware the run used (0 when none is recorded). */
function gpuCount(store: CheckInput['store'], run: Term): number {
  let count = 0;
  for (const hardware of objects(store, run, prov.used).filter((n) => typed(store, n, reprov.Hardware))) {
    const recorded = all(store, hardware, reprov.gpuCount, null).map((q) => Number(q.object.value)).filter(Number.isFinite);
    count = Math.max(count, ...recorded, all(store, hardware, reprov.gpu, null).length);
  }
  return count;
}

export default defineRule({
  meta,
  check(input) {
    const { store } = input;
    if (!runs(store).length) return notApplicable('the bundle records no run (mls:Run)');
    // A merged run is judged through its parts, which are runs themselves.
    const list = runs(store).filter((run) => !all(store, run, dcterms.hasPart, null).length);
    const perRun = list.map((run) => ({ run, settings: settingsOf(store, run), gpus: gpuCount(store, run) }));
    const relevant = perRun.some(({ settings, gpus }) => gpus > 0 || settings.some((s) => isDeterminismName(s.name) || typed(store, s.node, reprov.DeterminismSetting)));
    if (!relevant) return notApplicable('the runs record no determinism setting and ran on no GPU: there is nothing to judge (RPV-T001 asks for the settings)');
    const out: Finding[] = [];
    const reported = new Set<string>();
    for (const { run, settings, gpus } of perRun) {
      const named = new Set<string>();
      for (const setting of settings) {
        if (named.has(setting.name)) continue; // the same variable as a determinism setting and as an environment variable
        named.add(setting.name);
        const what = problem(setting);
        const key = `${setting.node.value}\u0000${setting.name}`;
        if (what && !reported.has(key)) {
          reported.add(key);
          out.push(finding(input, meta, setting.node, what));
        }
      }
      const cublas = settings.some((s) => /^CUBLAS_WORKSPACE_CONFIG$/.test(s.name) && s.values.some((v) => v.trim() !== ''));
      if (gpus > 0 && !cublas) {
        out.push(finding(input, meta, run, `the run used ${gpus} GPU${gpus === 1 ? '' : 's'} but records no CUBLAS_WORKSPACE_CONFIG: without a fixed workspace cuBLAS may reduce in a different order on a rerun (set it to :4096:8 or :16:8)`));
      }
    }
    return findings(out);
  },
});
