/**
 * Metric files a program already wrote, read without any change to it: real files from public
 * repositories and from the real writers (fixtures/metric-files/, sources in SOURCES.md), plus
 * constructed files, marked as such, for damage and hostile content no real writer produces.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findMetricFiles, readMetricFile, type MetricFile, type MetricPoint } from '../../src/collect/metric-files/index.js';
import { eventMessageType, tensorScalar } from '../../src/collect/metric-files/tensorboard.js';
import { crc32c, frameRecord, maskedCrc32c } from '../../src/collect/metric-files/tfrecord.js';
import { looksLikeKerasCsv, parseCsv } from '../../src/collect/metric-files/csv.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/metric-files/', import.meta.url));
const at = (path: string) => join(FIXTURES, path);
const T5_RUN = 'hf-t5-summarization/tensorboard/Mar24_22-23-40_DESKTOP-41L2EO3/';
const TORCH_RUN = 'torch-summarywriter/tensorboard/linear/';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'reprov-metric-files-'));
  temps.push(dir);
  return dir;
}

const count = (points: MetricPoint[], name: string, context?: string) => points.filter((p) => p.name === name && (context === undefined || p.context === context)).length;
const contexts = (points: MetricPoint[]) => {
  const out: Record<string, number> = {};
  for (const p of points) out[p.context] = (out[p.context] ?? 0) + 1;
  return out;
};
async function read(path: string, format: MetricFile['format']) {
  return readMetricFile({ path: at(path), format });
}

describe('Hugging Face trainer_state.json (real files)', () => {
  it('reads a run with evaluations: training series, eval_ → validation', async () => {
    const { points, notes } = await read('hf-lora-imdb/trainer_state.json', 'hf-trainer-state');
    expect(points).toHaveLength(66);
    expect(contexts(points)).toEqual({ training: 54, validation: 12 });
    expect(count(points, 'loss', 'training')).toBe(18);
    expect(count(points, 'loss', 'validation')).toBe(3);
    expect(points[0]).toEqual({ name: 'grad_norm', value: 0.7468545436859131, step: 20, epoch: 0.16, context: 'training' });
    expect(points.find((p) => p.name === 'loss' && p.context === 'validation' && p.step === 250)).toEqual({ name: 'loss', value: 0.4154859483242035, step: 250, epoch: 2, context: 'validation' });
    expect(notes[0]).toBe('trainer_state.json: 66 points from 21 log_history entries');
  });

  it('reads the summary entry: train_* kept by name, total_flos skipped', async () => {
    const { points, notes } = await read('hf-t5-summarization/trainer_state.json', 'hf-trainer-state');
    expect(points).toHaveLength(79);
    expect(count(points, 'loss')).toBe(25);
    expect(points.find((p) => p.name === 'train_loss')).toEqual({ name: 'train_loss', value: 1.8040490566820844, step: 215337, epoch: 3, context: 'training' });
    expect(points.find((p) => p.name === 'train_runtime')?.value).toBe(54713.1806);
    expect(points.some((p) => p.name.includes('flos'))).toBe(false);
    expect(notes).toContain('skipped 1 operation counts (total_flos) (e.g. total_flos)');
  });
});

describe('Lightning CSVLogger metrics.csv (real files)', () => {
  it('reads sparse rows: train_/val_/test_ prefixes give the context', async () => {
    const { points, notes } = await read('lightning-cv-image-classification/lightning_logs/version_0/metrics.csv', 'lightning-csv');
    expect(points).toHaveLength(184);
    expect(contexts(points)).toEqual({ training: 171, validation: 12, testing: 1 });
    expect(points[0]).toEqual({ name: 'loss', value: 0.634955883026123, step: 49, epoch: 0, context: 'training' });
    expect(points.filter((p) => p.context === 'validation' && p.name === 'accuracy').map((p) => p.step)).toEqual([1718, 3437, 5156, 6875, 8594, 8595]);
    expect(points[points.length - 1]).toEqual({ name: 'loss', value: 0.0322248712182045, step: 8595, epoch: 5, context: 'testing' });
    expect(notes[0]).toBe('metrics.csv: 184 points from 178 rows');
  });

  it('counts nan cells as non-finite, reads a step-first header and a huge value', async () => {
    const { points, notes } = await read('lightning-genrisk/lightning_logs/version_0/metrics.csv', 'lightning-csv');
    expect(points).toEqual([{ name: 'disc_loss', value: 1.6226933508321501e24, step: 0, epoch: 0, context: 'training' }]);
    expect(notes).toContain('skipped 639 non-finite values (NaN or ±Infinity) (e.g. gen_loss, disc_loss)');
  });
});

describe('Lightning names (constructed: a log with both on_step and on_epoch, and slash prefixes)', () => {
  it('keeps _step and _epoch as two series; val/ and test/ prefixes give the context', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'metrics.csv'), 'epoch,step,train_loss_epoch,train_loss_step,val/acc,test/f1,lr-Adam\n0,49,,0.5,,,0.01\n0,99,0.4,,0.9,,\n0,99,,,,0.8,\n');
    const { points } = await readMetricFile({ path: join(dir, 'metrics.csv'), format: 'lightning-csv' });
    expect(points).toEqual([
      { name: 'loss_step', value: 0.5, step: 49, epoch: 0, context: 'training' },
      { name: 'lr-Adam', value: 0.01, step: 49, epoch: 0, context: 'training' },
      { name: 'loss_epoch', value: 0.4, step: 99, epoch: 0, context: 'training' },
      { name: 'acc', value: 0.9, step: 99, epoch: 0, context: 'validation' },
      { name: 'f1', value: 0.8, step: 99, epoch: 0, context: 'testing' },
    ]);
  });
});

describe('Keras CSVLogger (real files)', () => {
  it('reads one row per epoch, val_ → validation', async () => {
    const { points } = await read('keras-brats/training.log', 'keras-csv');
    expect(points).toHaveLength(264);
    expect(contexts(points)).toEqual({ training: 144, validation: 120 });
    expect(points[0]).toEqual({ name: 'accuracy', value: 0.9847438335418701, epoch: 0, context: 'training' });
    expect(points.find((p) => p.name === 'lr' && p.epoch === 4)?.value).toBe(0.00020000001);
    expect(points.find((p) => p.name === 'loss' && p.context === 'validation' && p.epoch === 23)?.value).toBe(0.034485723823308945);
  });

  it('reads the Keras 2 names (acc, val_acc)', async () => {
    const { points } = await read('keras-irfanet/training.log', 'keras-csv');
    expect(points).toHaveLength(12);
    expect(points.filter((p) => p.name === 'acc').map((p) => p.context)).toEqual(['training', 'validation', 'training', 'validation', 'training', 'validation']);
  });

  it('sniffs conservatively', () => {
    expect(looksLikeKerasCsv(readFileSync(at('keras-brats/training.log'), 'utf8').slice(0, 4096))).toBe(true);
    expect(looksLikeKerasCsv(readFileSync(at('keras-irfanet/training.log'), 'utf8'))).toBe(true);
    expect(looksLikeKerasCsv(readFileSync(at('lightning-cv-image-classification/lightning_logs/version_0/metrics.csv'), 'utf8'))).toBe(false);
    expect(looksLikeKerasCsv('epoch,accuracy\n0,0.5\n')).toBe(false); // no loss column
    expect(looksLikeKerasCsv('epoch,loss,val loss\n0,1,2\n')).toBe(false); // not an identifier
    expect(looksLikeKerasCsv('epoch,loss\nfirst,1\n1,2\n')).toBe(false); // not an epoch number
    expect(looksLikeKerasCsv('id,loss\n0,1\n')).toBe(false);
    expect(looksLikeKerasCsv('2024-01-01 12:00:00 INFO epoch 1 loss 0.3\n')).toBe(false); // an ordinary log file
  });
});

describe('TensorBoard event files', () => {
  it('reads a Hugging Face Trainer run (torch SummaryWriter, simple_value), passing over text summaries', async () => {
    const { points, notes } = await read(`${T5_RUN}events.out.tfevents.1742826235.DESKTOP-41L2EO3.107869.0`, 'tensorboard');
    expect(points).toHaveLength(100);
    expect(contexts(points)).toEqual({ training: 100 });
    for (const name of ['loss', 'grad_norm', 'learning_rate', 'epoch']) expect(count(points, name)).toBe(25);
    const first = points.find((p) => p.name === 'loss')!;
    expect(first.step).toBe(500);
    expect(first.value).toBe(Math.fround(1.9963));
    expect(first.timestamp).toBeGreaterThan(Date.UTC(2025, 2, 24));
    expect(notes[0]).toBe('event file (brain.Event:2): 100 scalar points from 103 events');
    expect(notes).toContain('skipped 2 values of the text plugin (e.g. args/text_summary, model_config/text_summary)');
  });

  it('reads the evaluation file: eval/ → validation', async () => {
    const { points } = await read(`${T5_RUN}events.out.tfevents.1742884204.DESKTOP-41L2EO3.107869.1`, 'tensorboard');
    expect(points).toHaveLength(10);
    expect(contexts(points)).toEqual({ validation: 9, training: 1 });
    expect(points.find((p) => p.name === 'rouge1')).toMatchObject({ value: Math.fround(41.6324), step: 215337, context: 'validation' });
  });

  it('reads torch new_style tensors (float_val, double_val) and simple values; skips histograms and text', async () => {
    const { points, notes } = await read(`${TORCH_RUN}events.out.tfevents.1796298042.vm.20629.0`, 'tensorboard');
    expect(points).toHaveLength(27);
    expect(count(points, 'loss', 'training')).toBe(12);
    expect(count(points, 'lr', 'training')).toBe(12);
    expect(count(points, 'loss', 'validation')).toBe(3);
    expect(points.find((p) => p.name === 'lr')).toEqual({ name: 'lr', value: 0.1, step: 0, timestamp: 1_700_000_000_000, context: 'training' });
    expect(points.filter((p) => p.context === 'validation').map((p) => p.step)).toEqual([4, 8, 12]);
    expect(notes).toContain('skipped 3 histograms (e.g. weight)');
    expect(notes).toContain('skipped 1 values of the text plugin (e.g. note/text_summary)');
  });

  it('takes the context from add_scalars sub-directories', async () => {
    const train = await read(`${TORCH_RUN}mae_train/events.out.tfevents.1796298042.vm.20629.1`, 'tensorboard');
    const val = await read(`${TORCH_RUN}mae_validation/events.out.tfevents.1796298042.vm.20629.2`, 'tensorboard');
    expect(train.points.map((p) => [p.name, p.context, p.step])).toEqual([['mae', 'training', 0], ['mae', 'training', 1], ['mae', 'training', 2]]);
    expect(val.points.map((p) => p.context)).toEqual(['validation', 'validation', 'validation']);
    expect(val.points[2]!.value).toBe(Math.fround(0.9185979962348938));
  });

  it('reads TF2-style scalars in tensor_content, and half precision (constructed with the same protobuf definitions)', async () => {
    const dir = join(temp(), 'validation');
    mkdirSync(dir);
    const type = eventMessageType();
    const float = Buffer.alloc(4);
    float.writeFloatLE(0.25);
    const events = [
      { wallTime: 1_700_000_000.5, fileVersion: 'brain.Event:2' },
      { wallTime: 1_700_000_001.5, step: 3, summary: { value: [{ tag: 'epoch_loss', tensor: { dtype: 1, tensorShape: {}, tensorContent: float }, metadata: { pluginData: { pluginName: 'scalars' } } }] } },
      { wallTime: 1_700_000_002, step: 4, summary: { value: [{ tag: 'epoch_accuracy', tensor: { dtype: 19, halfVal: [0x3c00] } }] } },
      { step: 5, summary: { value: [{ tag: 'vector', tensor: { dtype: 1, tensorShape: { dim: [{ size: 2 }] }, floatVal: [1, 2] } }] } },
    ];
    writeFileSync(join(dir, 'events.out.tfevents.1.host.v2'), Buffer.concat(events.map((e) => frameRecord(type.encode(type.fromObject(e)).finish()))));
    const { points, notes } = await readMetricFile({ path: join(dir, 'events.out.tfevents.1.host.v2'), format: 'tensorboard' });
    expect(points).toEqual([
      { name: 'epoch_loss', value: 0.25, step: 3, timestamp: 1_700_000_001_500, context: 'validation' },
      { name: 'epoch_accuracy', value: 1, step: 4, timestamp: 1_700_000_002_000, context: 'validation' },
    ]);
    expect(notes).toContain('skipped 1 tensors that are not one floating-point number (e.g. vector)');
    expect(tensorScalar({ dtype: 14, halfVal: [0x3f80] })).toBe(1); // bfloat16 1.0
    expect(tensorScalar({ dtype: 2, tensorContent: new Uint8Array(8) })).toBe(0);
    expect(tensorScalar({ dtype: 7 })).toBeUndefined();
  });

  it('computes CRC-32C and its TFRecord mask', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    // The first record of a real file: its stored length CRC is the masked CRC of its 8 length bytes.
    const real = readFileSync(at(`${T5_RUN}events.out.tfevents.1742884204.DESKTOP-41L2EO3.107869.1`));
    expect(maskedCrc32c(real.subarray(0, 8))).toBe(real.readUInt32LE(8));
  });

  it('stops at a bad CRC with a note, keeping what came before', async () => {
    const dir = temp();
    const bytes = Buffer.from(readFileSync(at(`${TORCH_RUN}events.out.tfevents.1796298042.vm.20629.0`)));
    // Flip one byte in the data of the 5th record.
    let offset = 0;
    for (let i = 0; i < 4; i++) offset += 16 + Number(bytes.readBigUInt64LE(offset));
    bytes[offset + 12 + 3]! ^= 0xff;
    writeFileSync(join(dir, 'events.out.tfevents.bad'), bytes);
    const { points, notes } = await readMetricFile({ path: join(dir, 'events.out.tfevents.bad'), format: 'tensorboard' });
    expect(points).toHaveLength(3);
    expect(notes.some((n) => n.startsWith(`corrupt at byte ${offset}: record 4: the data's CRC does not match`))).toBe(true);
  });

  it('stops at a corrupt length and at a truncated record with a note', async () => {
    const dir = temp();
    const bytes = readFileSync(at(`${TORCH_RUN}events.out.tfevents.1796298042.vm.20629.0`));
    const badLength = Buffer.from(bytes);
    badLength[0]! ^= 0x01;
    writeFileSync(join(dir, 'events.out.tfevents.len'), badLength);
    const len = await readMetricFile({ path: join(dir, 'events.out.tfevents.len'), format: 'tensorboard' });
    expect(len.points).toEqual([]);
    expect(len.notes).toContain("corrupt at byte 0: record 0: the length's CRC does not match; reading stopped there");

    writeFileSync(join(dir, 'events.out.tfevents.cut'), bytes.subarray(0, bytes.length - 7));
    const cut = await readMetricFile({ path: join(dir, 'events.out.tfevents.cut'), format: 'tensorboard' });
    expect(cut.points).toHaveLength(27); // the cut record is the last, a text summary
    expect(cut.notes.some((n) => n.startsWith('truncated at byte') && n.includes('ends before its'))).toBe(true);

    writeFileSync(join(dir, 'events.out.tfevents.short'), bytes.subarray(0, 5));
    expect((await readMetricFile({ path: join(dir, 'events.out.tfevents.short'), format: 'tensorboard' })).notes).toContain('truncated at byte 0: record 0 ends inside its 12-byte header; reading stopped there');
  });

  it('passes over records that are not Event protobufs, and a huge claimed length', async () => {
    const dir = temp();
    const garbage = frameRecord(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]));
    writeFileSync(join(dir, 'events.out.tfevents.garbage'), garbage);
    expect((await readMetricFile({ path: join(dir, 'events.out.tfevents.garbage'), format: 'tensorboard' })).notes).toContain('1 records are not Event protobufs: skipped');
    const huge = Buffer.alloc(12);
    huge.writeBigUInt64LE(2n ** 62n, 0);
    huge.writeUInt32LE(maskedCrc32c(huge.subarray(0, 8)), 8);
    writeFileSync(join(dir, 'events.out.tfevents.huge'), huge);
    const { notes } = await readMetricFile({ path: join(dir, 'events.out.tfevents.huge'), format: 'tensorboard' });
    expect(notes.some((n) => n.includes('claims 4611686018427387904 bytes'))).toBe(true);
  });
});

describe('bad and hostile content gives notes, never a throw', () => {
  it('malformed trainer_state.json', async () => {
    const dir = temp();
    const cases: [string, string][] = [
      ['{"log_history": [{"loss": 1.0, "step": 1}', 'trainer_state.json is not JSON'],
      ['[1, 2]', 'trainer_state.json is not a JSON object'],
      ['{"global_step": 3}', 'trainer_state.json has no log_history list'],
      ['', 'trainer_state.json is not JSON'],
    ];
    for (const [text, note] of cases) {
      writeFileSync(join(dir, 'trainer_state.json'), text);
      const { points, notes } = await readMetricFile({ path: join(dir, 'trainer_state.json'), format: 'hf-trainer-state' });
      expect(points).toEqual([]);
      expect(notes.some((n) => n.startsWith(note))).toBe(true);
    }
  });

  it('hostile trainer_state.json: __proto__ keys, NaN tokens and strings, huge numbers', async () => {
    const dir = temp();
    const text = `{"log_history": [
      {"__proto__": 1.5, "constructor": 2, "step": 1, "epoch": 0.1, "loss": NaN, "grad_norm": Infinity, "x": -Infinity},
      {"eval_loss": "NaN", "eval_acc": "Infinity", "eval_f1": 1e400, "eval_big": 1e300, "eval_note": "NaN in a string stays a string", "step": 1e30},
      {"loss": 0.5, "step": 2, "epoch": null, "flag": true, "obj": {"a": 1}, "list": [1], "eval_": 3},
      "not an entry", null
    ]}`;
    writeFileSync(join(dir, 'trainer_state.json'), text);
    const { points, notes } = await readMetricFile({ path: join(dir, 'trainer_state.json'), format: 'hf-trainer-state' });
    expect(points).toEqual([
      { name: '__proto__', value: 1.5, step: 1, epoch: 0.1, context: 'training' },
      { name: 'constructor', value: 2, step: 1, epoch: 0.1, context: 'training' },
      { name: 'big', value: 1e300, context: 'validation' },
      { name: 'loss', value: 0.5, step: 2, context: 'training' },
      { name: 'eval_', value: 3, step: 2, context: 'training' },
    ]);
    expect(Object.getPrototypeOf(points[0])).toBe(Object.prototype);
    expect(notes).toContain('skipped 4 non-finite values (NaN or ±Infinity) (e.g. loss, grad_norm, x)');
    expect(notes.find((n) => n.startsWith('skipped 6 values that are not numbers'))).toBeDefined();
    expect(notes).toContain('skipped 2 log_history entries that are not objects');
  });

  it('a long name is cut, and control characters in names never reach a note unescaped', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'metrics.csv'), `epoch,step,${'a'.repeat(300)},"evil\u001b[31m"\n0,1,1,x\n`);
    const { points, notes } = await readMetricFile({ path: join(dir, 'metrics.csv'), format: 'lightning-csv' });
    expect(points).toEqual([{ name: 'a'.repeat(200), value: 1, step: 1, epoch: 0, context: 'training' }]);
    expect(notes).toContain('cut 1 names longer than 200 characters');
    expect(notes.join('\n')).not.toContain('\u001b');
  });

  it('CSV quoting, NA, inf and text cells; rows of the wrong width', () => {
    expect(parseCsv('a,"b,""c"""\r\n1,2\n')).toEqual([['a', 'b,"c"'], ['1', '2']]);
  });

  it('Keras NA, inf and a ragged row', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'log.csv'), 'epoch,loss,val_loss\n0,0.5,NA\n1,inf,0x10\n2,0.25\n');
    const { points, notes } = await readMetricFile({ path: join(dir, 'log.csv'), format: 'keras-csv' });
    expect(points).toEqual([{ name: 'loss', value: 0.5, epoch: 0, context: 'training' }, { name: 'loss', value: 0.25, epoch: 2, context: 'training' }]);
    expect(notes).toEqual([
      'Keras CSV log: 2 points from 3 rows',
      'skipped 1 non-finite values (NaN or ±Infinity) (e.g. loss)',
      'skipped 1 cells that are not numbers (e.g. loss)',
      'skipped 1 rows whose cell count differs from the header',
    ]);
  });

  it('a missing file, a directory and a FIFO give a note (a FIFO is never opened, so nothing blocks)', async () => {
    const dir = temp();
    expect((await readMetricFile({ path: join(dir, 'nope.csv'), format: 'keras-csv' })).notes[0]).toMatch(/cannot be read \(ENOENT\)/);
    expect((await readMetricFile({ path: dir, format: 'tensorboard' })).notes[0]).toMatch(/not a regular file/);
    execFileSync('mkfifo', [join(dir, 'metrics.csv')]);
    expect((await readMetricFile({ path: join(dir, 'metrics.csv'), format: 'lightning-csv' })).notes[0]).toMatch(/not a regular file/);
    expect(await findMetricFiles(dir, {})).toEqual([]);
  });
});

describe('findMetricFiles', () => {
  function tree(): string {
    const root = temp();
    cpSync(FIXTURES, join(root, 'work'), { recursive: true });
    return join(root, 'work');
  }

  it('finds every fixture by name or header, and nothing else', async () => {
    const root = tree();
    writeFileSync(join(root, 'notes.log'), '2024-01-01 INFO started\n');
    writeFileSync(join(root, 'data.csv'), 'id,value\n1,2\n');
    const found = await findMetricFiles(root, {});
    expect(found.map((f) => `${f.format} ${relative(root, f.path)}`)).toEqual([
      `tensorboard ${T5_RUN}events.out.tfevents.1742826235.DESKTOP-41L2EO3.107869.0`,
      `tensorboard ${T5_RUN}events.out.tfevents.1742884204.DESKTOP-41L2EO3.107869.1`,
      'hf-trainer-state hf-lora-imdb/trainer_state.json',
      'hf-trainer-state hf-t5-summarization/trainer_state.json',
      'keras-csv keras-brats/training.log',
      'keras-csv keras-irfanet/training.log',
      'lightning-csv lightning-cv-image-classification/lightning_logs/version_0/metrics.csv',
      'lightning-csv lightning-genrisk/lightning_logs/version_0/metrics.csv',
      `tensorboard ${TORCH_RUN}events.out.tfevents.1796298042.vm.20629.0`,
      `tensorboard ${TORCH_RUN}mae_train/events.out.tfevents.1796298042.vm.20629.1`,
      `tensorboard ${TORCH_RUN}mae_validation/events.out.tfevents.1796298042.vm.20629.2`,
    ].sort((a, b) => (a.split(' ')[1]! < b.split(' ')[1]! ? -1 : 1)));
  });

  it('respects sinceMs (mtime) and exclude', async () => {
    const root = tree();
    const old = new Date('2020-01-01T00:00:00Z');
    const since = Date.UTC(2024, 0, 1);
    for (const f of await findMetricFiles(root, {})) utimesSync(f.path, old, old);
    const fresh = join(root, 'keras-brats/training.log');
    utimesSync(fresh, new Date(since), new Date(since)); // exactly at sinceMs counts
    expect((await findMetricFiles(root, { sinceMs: since })).map((f) => f.path)).toEqual([fresh]);
    expect(await findMetricFiles(root, { sinceMs: since, exclude: ['keras-brats'] })).toEqual([]);
    expect(await findMetricFiles(root, { sinceMs: since, exclude: [join(root, 'keras-brats', 'training.log')] })).toEqual([]);
  });

  it('skips node_modules, .git, hidden directories, bundle directories and symbolic links', async () => {
    const root = temp();
    const log = 'epoch,loss\n0,1\n';
    for (const dir of ['node_modules/pkg', '.git', '.hidden', 'bundle', 'real', '__pycache__']) mkdirSync(join(root, dir), { recursive: true });
    for (const dir of ['node_modules/pkg', '.git', '.hidden', 'bundle', 'real', '__pycache__']) writeFileSync(join(root, dir, 'history.csv'), log);
    writeFileSync(join(root, 'bundle', '.reprov-bundle'), '{}');
    const outside = temp();
    writeFileSync(join(outside, 'history.csv'), log);
    symlinkSync(outside, join(root, 'linked-dir'));
    symlinkSync(join(outside, 'history.csv'), join(root, 'linked.csv'));
    expect((await findMetricFiles(root, {})).map((f) => relative(root, f.path))).toEqual(['real/history.csv']);
  });

  it('is bounded in depth and in entries looked at, with notes', async () => {
    const root = temp();
    let dir = root;
    for (let i = 0; i < 5; i++) {
      dir = join(dir, `d${i}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'trainer_state.json'), '{"log_history": []}');
    }
    const notes: string[] = [];
    expect(await findMetricFiles(root, { maxDepth: 3, notes })).toHaveLength(3);
    expect(notes).toEqual([`did not look for metric files more than 3 directories below ${root}`]);
    const few: string[] = [];
    expect(await findMetricFiles(root, { maxEntries: 4, notes: few })).toHaveLength(1);
    expect(few).toEqual(['stopped looking for metric files after 4 directory entries']);
  });

  it('keeps one trainer_state.json of a Trainer output directory', async () => {
    const root = temp();
    for (const n of [500, 1000, 1500]) {
      mkdirSync(join(root, 'out', `checkpoint-${n}`), { recursive: true });
      writeFileSync(join(root, 'out', `checkpoint-${n}`, 'trainer_state.json'), '{"log_history": []}');
    }
    const notes: string[] = [];
    expect((await findMetricFiles(root, { notes })).map((f) => relative(root, f.path))).toEqual(['out/checkpoint-1500/trainer_state.json']);
    writeFileSync(join(root, 'out', 'trainer_state.json'), '{"log_history": []}');
    expect((await findMetricFiles(root, { notes })).map((f) => relative(root, f.path))).toEqual(['out/trainer_state.json']);
    expect(notes[0]).toBe('left out 2 trainer_state.json copies in checkpoint-* directories (each is a prefix of a later one)');
  });
});

describe('CSV that does not parse', () => {
  it('an unterminated quote is a note, not a throw, and no points', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprov-metric-csv-'));
    try {
      const path = join(dir, 'metrics.csv');
      writeFileSync(path, 'epoch,step,train_loss\n0,0,"1.0\n');
      const { points, notes } = await readMetricFile({ path, format: 'lightning-csv' });
      expect(points).toEqual([]);
      expect(notes.join('\n')).toMatch(/not valid CSV: Quote Not Closed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('one series written by two files (a Trainer with report_to="tensorboard")', () => {
  it('keeps the trainer_state.json points and takes from the event file only the steps it lacks, with a note', async () => {
    const { dropOverlaps } = await import('../../src/collect/metric-files/index.js');
    const dir = 'hf-t5-summarization/';
    const state: MetricFile = { path: at(`${dir}trainer_state.json`), format: 'hf-trainer-state' };
    const events = (await findMetricFiles(at(dir))).filter((file) => file.format === 'tensorboard');
    expect(events).toHaveLength(2);
    const read = [];
    for (const file of [...events, state]) read.push({ file, points: (await readMetricFile(file)).points });
    const tbLoss = read[0]!.points.filter((p) => p.name === 'loss' && p.context === 'training');
    const jsonLoss = read[2]!.points.filter((p) => p.name === 'loss' && p.context === 'training');
    expect(tbLoss.length).toBeGreaterThan(10);
    const { files, notes } = dropOverlaps(read, (file) => relative(FIXTURES, file.path));
    const all = files.flatMap((f) => f.points);
    // Every training step of `loss` once, each from the JSON where it has it (exact values, not float32).
    const lossSteps = all.filter((p) => p.name === 'loss' && p.context === 'training').map((p) => p.step);
    expect(new Set(lossSteps).size).toBe(lossSteps.length);
    expect(files[2]!.points).toEqual(read[2]!.points);
    for (const point of jsonLoss) expect(all.filter((p) => p.name === 'loss' && p.context === 'training' && p.step === point.step)).toEqual([point]);
    // The event file is cut after 25 steps, the JSON after 25 entries: steps only one holds stay.
    const onlyInEvents = tbLoss.filter((p) => !jsonLoss.some((j) => j.step === p.step));
    expect(files[0]!.points.filter((p) => p.name === 'loss' && p.context === 'training')).toEqual(onlyInEvents);
    expect(notes.find((n) => n.startsWith('loss (training)'))).toMatch(/^loss \(training\): \d+ point\(s\) of hf-t5-summarization\/tensorboard\/.* are the same steps as hf-t5-summarization\/trainer_state\.json, which is kept$/);
  });

  it('leaves series of one format alone (two event files of a resumed run), and different series', async () => {
    const { dropOverlaps } = await import('../../src/collect/metric-files/index.js');
    const p = (name: string, step: number, context = 'training'): MetricPoint => ({ name, value: step, step, context });
    const a = { file: { path: 'a', format: 'tensorboard' as const }, points: [p('loss', 1), p('loss', 2)] };
    const b = { file: { path: 'b', format: 'tensorboard' as const }, points: [p('loss', 2), p('loss', 3)] };
    const c = { file: { path: 'c', format: 'lightning-csv' as const }, points: [p('acc', 1), p('loss', 1, 'validation')] };
    const { files, notes } = dropOverlaps([a, b, c]);
    expect(files).toEqual([a, b, c]);
    expect(notes).toEqual([]);
  });
});
