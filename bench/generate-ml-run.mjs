#!/usr/bin/env node
/**
 * Generates a deterministic, realistic PROV-JSON document for one machine-learning run, for the
 * conversion benchmark (bench/convert.mjs).
 *
 *   node bench/generate-ml-run.mjs N OUT.json [--no-bare-floats] [--fractional-times] [--seed S]
 *
 * The document has exactly N entities and exactly N relations:
 * - prefixes `run`, `ex`, `mls` (ML-Schema); one run activity, three phase activities
 *   (training / validation / testing), one person agent and one software agent;
 * - entities, in a repeating pattern of ten: 7 metric points (ex:metric, ex:step as a JSON
 *   integer, ex:value as a typed xsd:double), 1 data shard (prov:type mls:Data, label, path,
 *   sha256), 1 parameter (mls:HyperParameterSetting, label, name, and a typed double, an integer
 *   or a string value) and 1 checkpoint (mls:Model, label, path, sha256, size, typed
 *   xsd:dateTime);
 * - relations: wasGeneratedBy with prov:time, used (with and without prov:time),
 *   wasDerivedFrom (with prov:activity), wasAttributedTo, plus wasInformedBy / wasAssociatedWith for the phases;
 *   80% are identified (`run:gen_123`) and map to qualified PROV-O nodes, the rest are blank
 *   (`_:b123`) with only their two ends, which map to one unqualified triple each.
 *
 * Numbers: most values are typed strings or integers. By default about 1 parameter in 3 also
 * carries a bare JSON float (`"ex:lr": 0.001`) as real yProv4ML files do; such a number makes
 * reprov's reader take its exact (lossless-json) path (src/io/json-text.ts). `--no-bare-floats` leaves them out.
 * `--fractional-times` writes times with microseconds (`...T12:00:00.123456Z`), as Python's
 * datetime.isoformat() does (`:00.1` also sends that reader to the exact path).
 *
 * Tuned so that N = 100,000 gives 27.9 MB and 783,363 triples.
 *
 * The output is a function of (N, flags, seed) only: a seeded PRNG, no Math.random, no clock.
 * JSON is written the way Python's json.dump writes it (one line, `", "` and `": "`).
 */
import { closeSync, openSync, writeSync } from 'node:fs';

function usage(message) {
  if (message) process.stderr.write(`generate-ml-run: ${message}\n`);
  process.stderr.write('usage: node bench/generate-ml-run.mjs N OUT.json [--no-bare-floats] [--fractional-times] [--seed S]\n');
  process.exit(2);
}

const args = process.argv.slice(2);
const positional = [];
let bareFloats = true;
let fractionalTimes = false;
let seed = 20240501;
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--no-bare-floats') bareFloats = false;
  else if (arg === '--fractional-times') fractionalTimes = true;
  else if (arg === '--seed') seed = Number(args[++i]);
  else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
  else positional.push(arg);
}
if (positional.length !== 2) usage();
const n = Number(positional[0]);
if (!Number.isInteger(n) || n < 10) usage('N must be an integer >= 10');
if (!Number.isInteger(seed)) usage('--seed must be an integer');
const outPath = positional[1];

// mulberry32: small, fast, good enough for test data.
let state = seed >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (max) => Math.floor(random() * max);
const pick = (list) => list[int(list.length)];
const hex64 = () => {
  let s = '';
  for (let i = 0; i < 8; i++) s += (int(0x100000000) >>> 0).toString(16).padStart(8, '0');
  return s;
};

const q = (s) => JSON.stringify(s);
const typed = (value, type) => `{"$": ${q(value)}, "type": ${q(type)}}`;
const qname = (name) => typed(name, 'prov:QUALIFIED_NAME');

// Run clock: starts 2024-05-01T08:00:00Z, one step every ~0.8 s.
const T0 = Date.UTC(2024, 4, 1, 8, 0, 0);
function time(offsetMs) {
  const iso = new Date(T0 + Math.floor(offsetMs)).toISOString(); // ...T08:00:00.000Z
  if (!fractionalTimes) return iso.slice(0, 19) + 'Z';
  const micros = String(Math.floor(offsetMs * 1000) % 1000000).padStart(6, '0');
  return `${iso.slice(0, 19)}.${micros}Z`;
}

// --- the output, written in chunks ---------------------------------------------------------
const fd = openSync(outPath, 'w');
let buffer = '';
let bytes = 0;
function out(text) {
  buffer += text;
  if (buffer.length > 1 << 20) flush();
}
function flush() {
  bytes += writeSync(fd, buffer);
  buffer = '';
}

/** Writes `"kind": {"id": {...}, ...}` from a list of [id, body] pairs produced lazily. */
function section(kind, first, records) {
  out(`${first ? '' : ', '}${q(kind)}: {`);
  let count = 0;
  for (const [id, body] of records) out(`${count++ ? ', ' : ''}${q(id)}: {${body}}`);
  out('}');
  return count;
}
const attrs = (pairs) => pairs.map(([k, v]) => `${q(k)}: ${v}`).join(', ');

const PHASES = ['training', 'validation', 'testing'];
const METRICS = { training: ['loss', 'accuracy', 'lr', 'grad_norm'], validation: ['val_loss', 'val_accuracy'], testing: ['test_loss', 'test_accuracy', 'f1'] };
const DATA_FORMATS = ['parquet', 'csv', 'npz', 'tfrecord'];
const OPTIMIZERS = ['adam', 'adamw', 'sgd'];
const runMs = n * 800;

// Entity kinds, decided up front so that relations can refer to earlier checkpoints.
// Pattern per 10 entities: 7 metric points, 1 checkpoint, 1 data file, 1 parameter.
const KIND = ['metric', 'metric', 'data', 'metric', 'metric', 'param', 'metric', 'metric', 'checkpoint', 'metric'];
const kindOf = (i) => KIND[i % KIND.length];
const entityId = (i) => ({ metric: 'metric_', checkpoint: 'checkpoint_', data: 'data_shard_', param: 'param_' })[kindOf(i)] + i;

out('{"prefix": {"run": "https://example.org/runs/r42/", "ex": "https://example.org/ns/ml#", "mls": "http://www.w3.org/ns/mls#"}');

section('agent', false, [
  ['run:alice', attrs([['prov:type', qname('prov:Person')], ['prov:label', q('Alice Example')], ['ex:email', q('alice@example.org')]])],
  ['run:trainer', attrs([['prov:type', qname('prov:SoftwareAgent')], ['prov:label', q('train.py')], ['ex:version', q('1.4.2')]])],
]);

section('activity', false, [
  ['run:run', attrs([
    ['prov:type', qname('mls:Run')], ['prov:label', q('resnet50 on imagenet-subset, seed 42')],
    ['prov:startTime', q(time(0))], ['prov:endTime', q(time(runMs))], ['ex:seed', '42'],
  ])],
  ...PHASES.map((phase, k) => [`run:${phase}`, attrs([
    ['prov:type', qname('ex:Phase')], ['prov:label', q(phase)],
    ['prov:startTime', q(time((runMs * k) / 3))], ['prov:endTime', q(time((runMs * (k + 1)) / 3))],
  ])]),
]);

// Entities: a generator so that 1M entities never sit in memory at once.
function* entities() {
  for (let i = 0; i < n; i++) {
    const id = `run:${entityId(i)}`;
    const step = i;
    const phase = PHASES[Math.min(2, Math.floor((i * 3) / n))];
    switch (kindOf(i)) {
      case 'metric': {
        const metric = pick(METRICS[phase]);
        const value = (random() * (metric.includes('loss') ? 4 : 1)).toFixed(6);
        yield [id, attrs([
          ['ex:metric', q(metric)], ['ex:step', String(step)], ['ex:value', typed(value, 'xsd:double')],
        ])];
        break;
      }
      case 'checkpoint': {
        yield [id, attrs([
          ['prov:type', qname('mls:Model')], ['prov:label', q(`checkpoint at step ${step}`)],
          ['ex:path', q(`checkpoints/epoch_${Math.floor(step / 1000)}/model_step_${step}.pt`)], ['ex:sha256', q(hex64())],
          ['ex:sizeBytes', String(97_000_000 + int(4_000_000))], ['ex:savedAt', typed(time(step * 800), 'xsd:dateTime')],
        ])];
        break;
      }
      case 'data': {
        const format = pick(DATA_FORMATS);
        yield [id, attrs([
          ['prov:type', qname('mls:Data')], ['prov:label', q(`shard ${i} (${format})`)],
          ['ex:path', q(`data/imagenet-subset/${phase}/shard-${String(i).padStart(7, '0')}.${format}`)], ['ex:sha256', q(hex64())],
        ])];
        break;
      }
      case 'param': {
        const pairs = [['prov:type', qname('mls:HyperParameterSetting')], ['prov:label', q(`parameter ${i}`)]];
        switch (Math.floor(i / 10) % 3) {
          case 0:
            pairs.push(['ex:name', q('learning_rate')], ['ex:value', typed((random() / 100).toFixed(6), 'xsd:double')]);
            // Real yProv4ML files hold bare JSON floats; they send reprov's reader down its exact path.
            if (bareFloats) pairs.push(['ex:lr', '0.001']);
            break;
          case 1:
            pairs.push(['ex:name', q('batch_size')], ['ex:value', String(pick([32, 64, 128, 256]))]);
            break;
          default:
            pairs.push(['ex:name', q('optimizer')], ['ex:value', q(pick(OPTIMIZERS))]);
        }
        yield [id, attrs(pairs)];
        break;
      }
    }
  }
}
const entityCount = section('entity', false, entities());

// Relations: 4 fixed (phases informed by the run, run associated with the trainer), then one per
// entity until there are N. One in five of them are blank (`_:bN`) and say no more than their
// two ends (so they map to a single unqualified triple); the others are identified and map to
// qualified PROV-O nodes.
const fixed = 4;
const BLANK = new Set([2, 9, 13, 19]); // of every 20 relations: a data usage and three metric generations
const generated = [];
const derived = [];
const used = [];
const attributed = [];
/** Adds a relation: `ends` are its two formal ends, `extras` its other attributes (dropped when blank). */
function relation(list, i, prefix, ends, extras = []) {
  const blank = BLANK.has(i % 20);
  list.push([blank ? `_:b${i}` : `run:${prefix}${i}`, attrs(blank ? ends : [...ends, ...extras])]);
}
let lastCheckpoint;
for (let i = 0; i < n - fixed; i++) {
  const entity = q(`run:${entityId(i)}`);
  const phase = q(`run:${PHASES[Math.min(2, Math.floor((i * 3) / n))]}`);
  const at = q(time(i * 800 + int(800)));
  switch (kindOf(i)) {
    case 'metric':
      relation(generated, i, 'gen_', [['prov:entity', entity], ['prov:activity', phase]], [['prov:time', at]]);
      break;
    case 'checkpoint':
      if (lastCheckpoint) {
        relation(derived, i, 'der_', [['prov:generatedEntity', entity], ['prov:usedEntity', lastCheckpoint]], [['prov:activity', q('run:training')]]);
      } else {
        relation(generated, i, 'gen_', [['prov:entity', entity], ['prov:activity', q('run:training')]], [['prov:time', at]]);
      }
      lastCheckpoint = entity;
      break;
    case 'data':
      relation(used, i, 'use_', [['prov:activity', phase], ['prov:entity', entity]], [['prov:time', at]]);
      break;
    case 'param':
      if (Math.floor(i / 10) % 2) relation(used, i, 'use_', [['prov:activity', q('run:run')], ['prov:entity', entity]]);
      else relation(attributed, i, 'att_', [['prov:entity', entity], ['prov:agent', q('run:alice')]]);
      break;
  }
}
let relationCount = 0;
relationCount += section('wasGeneratedBy', false, generated);
relationCount += section('used', false, used);
relationCount += section('wasDerivedFrom', false, derived);
relationCount += section('wasAttributedTo', false, attributed);
relationCount += section('wasInformedBy', false, PHASES.map((phase) => [`run:inf_${phase}`, attrs([['prov:informed', q(`run:${phase}`)], ['prov:informant', q('run:run')]])]));
relationCount += section('wasAssociatedWith', false, [['run:assoc', attrs([['prov:activity', q('run:run')], ['prov:agent', q('run:trainer')], ['prov:role', q('trainer')]])]]);
out('}');
flush();
closeSync(fd);

if (entityCount !== n || relationCount !== n) throw new Error(`internal: ${entityCount} entities, ${relationCount} relations for N=${n}`);
process.stderr.write(`generate-ml-run: ${outPath}: ${n} entities, ${n} relations, ${bytes} bytes${bareFloats ? '' : ', no bare floats'}${fractionalTimes ? ', fractional times' : ''}\n`);
