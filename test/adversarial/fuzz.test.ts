/**
 * Mutation fuzzer over the shipped bundles (fixtures/yprov4ml/*.json, examples/train-run.json,
 * examples/check/{before,after}/prov.ttl, and the same graphs written as TriG, N-Triples, N-Quads and
 * JSON-LD). Each case mutates one seed, with a PRNG seeded from the case number so that every case
 * is the same on every run:
 *   - bytes: flip a bit, insert, delete or duplicate a range, truncate, insert invalid UTF-8,
 *     insert a hostile key;
 *   - JSON structure: a value replaced by a deep nest, a huge or inexact number, null, an array; a
 *     key named like an Object.prototype member added; two sections swapped.
 * Every case goes through `convert` and `check` in process, as the CLI calls them (the bytes decoded
 * as the CLI decodes a file, errors mapped to exit codes by src/cli/errors.ts); every 15th also
 * through the real CLI in a subprocess. The promises: exit 0, 1 or 2 only (never 3: a bug of
 * reprov's), a one-line message without control characters, no stack frame, no case over 10 s.
 *
 * REPROV_FUZZ_CASES=3000 runs more cases (default 300); REPROV_FUZZ_SEED changes the seed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/interop/yprov4ml-mark.js';
import { convert } from '../../src/convert.js';
import { decodeUtf8, refuseEmpty } from '../../src/io/read.js';
import { checkerFor } from '../../src/check/check.js';
import type { Checker } from '../../src/check/engine.js';
import { exitCodeFor, asUserError } from '../../src/cli/errors.js';
import type { Format } from '../../src/io/formats.js';
import { REPO } from '../support/cli.js';
import { attack, sandbox } from './harness.js';

const CASES = Number(process.env.REPROV_FUZZ_CASES ?? 300);
const BASE_SEED = Number(process.env.REPROV_FUZZ_SEED ?? 20251203);
/** One case in this many also runs through the real CLI. */
const SUBPROCESS_EVERY = 15;
const CASE_LIMIT_MS = 10_000;

/** mulberry32: a small, fast, seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Rng {
  int(n: number): number;
  pick<T>(list: readonly T[]): T;
}
const rngFor = (index: number): Rng => {
  const next = prng(BASE_SEED ^ Math.imul(index + 1, 0x9e3779b1));
  const int = (n: number) => Math.floor(next() * n);
  return { int, pick: (list) => list[int(list.length)]! };
};

const HOSTILE_KEYS = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', '__defineGetter__', 'isPrototypeOf'];
const INVALID_UTF8 = [[0xff], [0xc0, 0x80], [0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xfe, 0xfe, 0xff]];
const RAW_NUMBERS = ['1e400', '-1e400', '123456789012345678901234567890', '9223372036854775808', '-9223372036854775809', '1.0', '-0', '1E+2', '0.0000000000000000000000001', '4294967296'];

interface Seed {
  name: string;
  bytes: Buffer;
  /** The parsed document, for structure mutations (JSON seeds only). */
  json?: unknown;
}

type Mutation = (bytes: Buffer, rng: Rng, seed: Seed) => Buffer;

const range = (bytes: Buffer, rng: Rng): [number, number] => {
  const start = rng.int(bytes.length + 1);
  return [start, Math.min(bytes.length, start + 1 + rng.int(64))];
};

const BYTE_MUTATIONS: Record<string, Mutation> = {
  flip: (b, rng) => {
    const out = Buffer.from(b);
    for (let k = 1 + rng.int(4); k > 0 && out.length; k--) out[rng.int(out.length)]! ^= 1 << rng.int(8);
    return out;
  },
  insert: (b, rng) => {
    const at = rng.int(b.length + 1);
    const junk = Buffer.from(Array.from({ length: 1 + rng.int(8) }, () => rng.pick([rng.int(256), ...Buffer.from('{}[]",:<>@.;\\\n_')])));
    return Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]);
  },
  delete: (b, rng) => {
    const [start, end] = range(b, rng);
    return Buffer.concat([b.subarray(0, start), b.subarray(end)]);
  },
  truncate: (b, rng) => b.subarray(0, rng.int(b.length)),
  duplicate: (b, rng) => {
    const [start, end] = range(b, rng);
    const at = rng.int(b.length + 1);
    return Buffer.concat([b.subarray(0, at), b.subarray(start, end), b.subarray(at)]);
  },
  'invalid utf-8': (b, rng) => {
    const at = rng.int(b.length + 1);
    return Buffer.concat([b.subarray(0, at), Buffer.from(rng.pick(INVALID_UTF8)), b.subarray(at)]);
  },
  'hostile key': (b, rng, seed) => {
    const key = rng.pick(HOSTILE_KEYS);
    const text = b.toString('latin1');
    if (seed.json !== undefined) {
      // After an object's opening brace: a member named like a prototype property.
      const braces = [...text.matchAll(/\{/g)].map((m) => m.index!);
      const at = braces.length ? rng.pick(braces) + 1 : 0;
      const value = rng.pick(['{}', '"x"', 'null', '[]', `{"${key}": {"$": "1", "type": "${key}"}}`]);
      return Buffer.concat([b.subarray(0, at), Buffer.from(`"${rng.pick([key, `ex:${key}`, `${key}:${key}`])}": ${value},`), b.subarray(at)]);
    }
    // Turtle: a prefix and statements named like prototype properties.
    return Buffer.concat([Buffer.from(`@prefix ${key.replace(/^_+/, 'p')}: <http://x/> .\n<urn:x:${key}> <urn:x:${key}> "${key}" .\n`), b]);
  },
};

/** A JSON value the structure mutations put in place (raw number text goes in through a marker). */
function structureValue(rng: Rng, raws: string[]): unknown {
  switch (rng.int(6)) {
    case 0: {
      // Written as text: JSON.stringify itself recurses.
      const depth = rng.pick([30, 600, 5000]);
      const key = rng.pick(['$', 'a', 'prov:type']);
      const [open, close] = rng.int(2) ? ['[', ']'] : [`{"${key}":`, '}'];
      raws.push(open.repeat(depth) + rng.pick(['1', '"x"', '{}', '[]']) + close.repeat(depth));
      return `\u0001RAW${raws.length - 1}\u0001`;
    }
    case 1:
      raws.push(rng.pick(RAW_NUMBERS));
      return `\u0001RAW${raws.length - 1}\u0001`;
    case 2:
      return null;
    case 3:
      return [rng.pick(['x', 1, null, {}]), rng.pick([true, 'y'])];
    case 4:
      return { $: rng.pick(['1', 'x', '']), type: rng.pick(['xsd:int', 'toString', 'rdf:langString', 'prov:QUALIFIED_NAME', '__proto__']) };
    default:
      return rng.pick(['', 'ex:undeclared', '_:b', 'constructor', '\u0000', 'a\nb']);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const setOwn = (o: Record<string, unknown>, key: string, value: unknown) => Object.defineProperty(o, key, { value, enumerable: true, configurable: true, writable: true });

/** Every object and array in a document, with the path to it. */
function containers(doc: unknown): (Record<string, unknown> | unknown[])[] {
  const found: (Record<string, unknown> | unknown[])[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      found.push(v);
      v.forEach(walk);
    } else if (isObject(v)) {
      found.push(v);
      Object.values(v).forEach(walk);
    }
  };
  walk(doc);
  return found;
}

const STRUCTURE_MUTATIONS: Record<string, (doc: unknown, rng: Rng, raws: string[]) => void> = {
  'replace a value': (doc, rng, raws) => {
    const target = rng.pick(containers(doc));
    if (Array.isArray(target)) {
      if (target.length) target[rng.int(target.length)] = structureValue(rng, raws);
    } else {
      const keys = Object.keys(target);
      if (keys.length) setOwn(target, rng.pick(keys), structureValue(rng, raws));
    }
  },
  'add a hostile key': (doc, rng, raws) => {
    const objects = containers(doc).filter(isObject);
    if (objects.length) setOwn(rng.pick(objects), rng.pick(HOSTILE_KEYS), rng.int(2) ? {} : structureValue(rng, raws));
  },
  'swap sections': (doc, rng) => {
    if (!isObject(doc)) return;
    const keys = Object.keys(doc);
    const a = rng.pick(keys);
    const b = rng.pick([...keys, 'entity', 'activity', 'bundle', 'prefix', 'wasGeneratedBy']);
    const va = doc[a];
    setOwn(doc, a, doc[b]);
    setOwn(doc, b, va);
  },
  'rename a key': (doc, rng) => {
    const objects = containers(doc).filter(isObject).filter((o) => Object.keys(o).length);
    if (!objects.length) return;
    const target = rng.pick(objects);
    const key = rng.pick(Object.keys(target));
    const value = target[key];
    delete target[key];
    setOwn(target, rng.pick([...HOSTILE_KEYS, `${key}:x`, '', 'prov:', ':', '_:']), value);
  },
};

function mutate(seed: Seed, rng: Rng): { bytes: Buffer; mutation: string } {
  if (seed.json !== undefined && rng.int(2) === 0) {
    const name = rng.pick(Object.keys(STRUCTURE_MUTATIONS));
    const doc = structuredClone(seed.json);
    const raws: string[] = [];
    STRUCTURE_MUTATIONS[name]!(doc, rng, raws);
    const text = JSON.stringify(doc).replace(/"\\u0001RAW(\d+)\\u0001"/g, (_, i: string) => raws[Number(i)]!);
    return { bytes: Buffer.from(text), mutation: `structure: ${name}` };
  }
  const name = rng.pick(Object.keys(BYTE_MUTATIONS));
  let bytes = BYTE_MUTATIONS[name]!(seed.bytes, rng, seed);
  // Now and then a second mutation on top of the first.
  if (rng.int(4) === 0) bytes = BYTE_MUTATIONS[rng.pick(Object.keys(BYTE_MUTATIONS))]!(bytes, rng, seed);
  return { bytes, mutation: `bytes: ${name}` };
}

const OUTPUTS: Format[] = ['turtle', 'ntriples', 'nquads', 'trig', 'provjson', 'turtle', 'nquads', 'jsonld'];
const STACK_FRAME = /^\s+at .+(\(|:\d+:\d+)|node:internal|internal error/m;
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f]/;

interface Failure {
  index: number;
  seed: string;
  mutation: string;
  step: string;
  problem: string;
}

let checker: Checker;
const seeds: Seed[] = [];
const box = sandbox('reprov-fuzz-');

beforeAll(async () => {
  checker = checkerFor({ config: {}, dir: box.dir, pointer: '' });
  const files = ['fixtures/yprov4ml/gen1-cifar-resnet.json', 'fixtures/yprov4ml/gen2-mnist-linear.json', 'fixtures/yprov4ml/gen3-mnist-cnn.json', 'examples/train-run.json', 'examples/check/before/prov.ttl', 'examples/check/after/prov.ttl'];
  for (const file of files) {
    const bytes = readFileSync(`${REPO}/${file}`);
    seeds.push({ name: file, bytes, ...(file.endsWith('.json') && { json: JSON.parse(bytes.toString('utf8')) }) });
  }
  // The same graphs in the other formats, so that every reader is fuzzed.
  const derived: [string, string, Format, string][] = [
    ['examples/train-run.json', 'train-run.trig', 'trig', '.json'],
    ['examples/check/after/prov.ttl', 'after.nt', 'ntriples', '.ttl'],
    ['examples/check/after/prov.ttl', 'after.nq', 'nquads', '.ttl'],
    ['fixtures/yprov4ml/gen3-mnist-cnn.json', 'gen3.jsonld', 'jsonld', '.json'],
  ];
  for (const [from, name, to] of derived) {
    const { output } = await convert(readFileSync(`${REPO}/${from}`, 'utf8'), { to, file: from });
    seeds.push({ name, bytes: Buffer.from(output), ...(to === 'jsonld' && { json: JSON.parse(output) }) });
  }
}, 60_000);
afterAll(() => box.remove());

/** The file name a case is read under: the seed's extension (format from the name), or none (format sniffed from the content). */
function fileName(seed: Seed, rng: Rng): string {
  const extension = /\.[a-z]+$/.exec(seed.name)?.[0] ?? '';
  return rng.int(5) === 0 ? 'fuzz-input' : `fuzz${extension}`;
}

/** What the CLI would exit with, and the problem if it is not a promise kept. */
function judge(error: unknown): string | undefined {
  const code = exitCodeFor(error);
  if (code !== 2) return `exit ${code}: ${(error as Error)?.stack ?? String(error)}`;
  const message = asUserError(error)!.message;
  if (message.includes('\n') || UNPRINTABLE.test(message)) return `message not one printable line: ${JSON.stringify(message.slice(0, 300))}`;
  if (message.length > 1200) return `message of ${message.length} characters`;
  return undefined;
}

describe('mutation fuzzer', () => {
  it(`${CASES} mutated bundles through convert and check, in process (every ${SUBPROCESS_EVERY}th through the CLI)`, async () => {
    const failures: Failure[] = [];
    const started = Date.now();
    let subprocesses = 0;
    const outcomes = { converted: 0, refused: 0, checked: 0, unreadable: 0 };
    for (let index = 0; index < CASES; index++) {
      const rng = rngFor(index);
      const seed = rng.pick(seeds);
      const { bytes, mutation } = mutate(seed, rng);
      const file = fileName(seed, rng);
      const lenient = rng.int(4) === 0;
      const fail = (step: string, problem: string) => failures.push({ index, seed: seed.name, mutation, step, problem });
      const caseStarted = Date.now();

      // convert, as src/cli/convert.ts does it: decode, refuse nothing, convert, map the error.
      try {
        const text = decodeUtf8(bytes, file, { lenient, warnings: [] });
        refuseEmpty(text, file);
        const report = await convert(text, { to: rng.pick(OUTPUTS), file, lenient });
        outcomes.converted++;
        for (const diagnostic of [...report.warnings, ...report.skipped]) {
          if (diagnostic.message.includes('\n')) fail('convert', `multi-line diagnostic: ${JSON.stringify(diagnostic.message.slice(0, 200))}`);
        }
      } catch (error) {
        outcomes.refused++;
        const problem = judge(error);
        if (problem) fail('convert', problem);
      }
      // check, as Checker.checkFile does it: an unreadable bundle is a one-line error (exit 2), the rest exit 3.
      try {
        const text = decodeUtf8(bytes, file, { lenient, warnings: [] });
        const result = await checker.checkText(text, file);
        outcomes.checked++;
        if (result.score === 100 && !result.findings.length && !result.rules.some((r) => r.applies && r.rule.id !== 'RPV-X001')) fail('check', 'a bundle with nothing to check scored 100');
      } catch (error) {
        outcomes.unreadable++;
        const problem = judge(error);
        if (problem) fail('check', problem);
      }
      const elapsed = Date.now() - caseStarted;
      if (elapsed > CASE_LIMIT_MS) fail('time', `${elapsed} ms`);

      if (index % SUBPROCESS_EVERY === 0) {
        subprocesses++;
        writeFileSync(box.path(file), bytes);
        for (const args of [['convert', file, '-t', 'nquads', ...(lenient ? ['--lenient'] : [])], ['check', file, '--format', 'json', ...(lenient ? ['--lenient'] : [])]]) {
          const result = attack(box, args, { timeoutMs: CASE_LIMIT_MS });
          if (result.signal) fail(`cli ${args[0]}`, `killed by ${result.signal} (over ${CASE_LIMIT_MS} ms?)`);
          else if (![0, 1, 2].includes(result.status ?? -1)) fail(`cli ${args[0]}`, `exit ${result.status}: ${result.stderr.slice(0, 500)}`);
          else if (STACK_FRAME.test(result.stderr)) fail(`cli ${args[0]}`, `stack in stderr: ${result.stderr.slice(0, 500)}`);
        }
      }
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`fuzz: ${CASES} cases (${subprocesses} also through the CLI) in ${seconds.toFixed(1)} s; seed ${BASE_SEED}; convert ${outcomes.converted} converted / ${outcomes.refused} refused, check ${outcomes.checked} checked / ${outcomes.unreadable} unreadable; ${failures.length} failures`);
    const shown = failures.slice(0, 5).map((f) => `case ${f.index} (${f.seed}, ${f.mutation}) ${f.step}: ${f.problem}`).join('\n\n');
    expect(failures.length, shown).toBe(0);
  }, 300_000);
});
