/**
 * Hostile input to every command that reads a bundle: keys that are Object.prototype's members,
 * input that crashed the Turtle parser from inside its callback, malformed Turtle, TriG, N-Triples,
 * N-Quads and JSON-LD, duplicate JSON keys, invalid UTF-8, text past V8's longest string, integers past xsd:long, and nesting
 * deep enough to exhaust a recursive reader's stack. Each is held to the harness's promises: the
 * documented exit code, one line naming the file and location, no stack, nothing touched.
 */
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { attack, expectContained, sandbox } from './harness.js';
import { REPO } from '../support/cli.js';
import { invalidUtf8Offset } from '../../src/io/read.js';

const box = sandbox();
afterAll(() => box.remove());
const write = (name: string, content: string | Buffer) => {
  writeFileSync(box.path(name), content);
  return name;
};

/** PROV-JSON whose ids, prefixes, attribute names and typed values are named like Object.prototype's members, around a run. */
const HOSTILE = `{"prefix":{"toString":"http://x/","ex":"http://example.org/","mls":"http://www.w3.org/ns/mls#","__proto__":"http://p/","constructor":"http://c/","default":"http://d/"},
 "activity":{"ex:run":{"prov:type":{"$":"mls:Run","type":"prov:QUALIFIED_NAME"},"constructor":"x","toString:valueOf":"y","hasOwnProperty":{"$":"1","type":"toString"}},"valueOf":{}},
 "entity":{"ex:constructor":{"valueOf":"1","ex:__proto__":"2","__proto__:a":"3","hasOwnProperty":4},"toString":{},"hasOwnProperty":{},"__proto__":{"prov:label":"x"},"constructor:x":{}},
 "agent":{"__proto__":{}},
 "used":{"_:u":{"prov:activity":"ex:run","prov:entity":"ex:constructor","toString":"y"}},
 "wasGeneratedBy":{"toString:g":{"prov:entity":"__proto__","prov:activity":"ex:run","constructor":"z"}}}`;
const NATIVE = /native code|\[object Object\]|function \w*\(/;

/** The project's own gen-3 yProv4ML fixture with hostile parameter names and run attributes. */
function hostileYProv4ml(): string {
  const doc = JSON.parse(readFileSync(`${REPO}/fixtures/yprov4ml/gen3-mnist-cnn.json`, 'utf8')) as { prefix: Record<string, string>; activity: Record<string, Record<string, unknown>>; entity: Record<string, unknown> };
  const run = Object.values(doc.activity).find((a) => 'yprov:experiment_name' in a)!;
  for (const key of ['toString', 'constructor', 'valueOf', 'hasOwnProperty', '__proto__']) {
    Object.defineProperty(run, `yprov:${key}`, { value: 'x', enumerable: true });
    Object.defineProperty(doc.entity, key, { value: { 'prov:type': 'provml:Parameter', 'prov:label': key, 'prov:value': '1' }, enumerable: true });
  }
  Object.defineProperty(doc.prefix, 'toString', { value: 'http://ts/', enumerable: true });
  return JSON.stringify(doc);
}

const EMPTY = write('empty.ttl', '');
const CRASH = write('crash.ttl', Buffer.concat([Buffer.from('@prefix a: <ht'), Buffer.from([0xc3, 0xbf]), Buffer.from('tp://x/> .\n')]));
const CRASH_RAW = write('crash-raw.ttl', Buffer.concat([Buffer.from('@prefix a: <ht'), Buffer.from([0xff]), Buffer.from('tp://x/> .\n')]));
const HOSTILE_FILE = write('hostile.json', HOSTILE);
const HOSTILE_YPROV = write('hostile-yprov.json', hostileYProv4ml());

let outputs = 0;
/** A fresh output directory under out/ for each run: a command refuses to replace what it did not write. */
const out = () => `out/${++outputs}`;

/** Every command that reads a bundle, as it is run on `file` (outputs under out/). */
const COMMANDS: [string, (file: string) => string[], string[]][] = [
  ['convert', (f) => ['convert', f, '-t', 'turtle'], []],
  ['check', (f) => ['check', f], []],
  ['verify', (f) => ['verify', f], []],
  ['diff', (f) => ['diff', f, f], []],
  ['merge', (f) => ['merge', f, f, '-o', out()], ['out']],
  ['export ro-crate', (f) => ['export', 'ro-crate', f, '-o', out()], ['out']],
  ['import yprov4ml', (f) => ['import', 'yprov4ml', f, '-o', out()], ['out']],
];

describe.each(COMMANDS)('%s', (_name, args, writes) => {
  it('refuses an empty file: exit 2, one line naming it', () => {
    expectContained(attack(box, args(EMPTY)), { status: 2, stderr: /empty\.ttl: the input is empty/ });
  });

  it('reports the input that crashed n3 inside its callback as a syntax error with its line (exit 2, no stack)', () => {
    expectContained(attack(box, args(CRASH)), { status: 2, stderr: /crash\.ttl:1:\d+: invalid Turtle: Invalid IRI/ });
    expectContained(attack(box, args(CRASH_RAW)), { status: 2, stderr: /crash-raw\.ttl:1:15: invalid UTF-8 at byte 14 \(0xff\)/ });
  });

  it('reads keys named like Object.prototype members as ordinary names', () => {
    const result = attack(box, args(HOSTILE_FILE));
    expect(result.stdout + result.stderr).not.toMatch(NATIVE);
    expect(result.status, result.stderr).not.toBe(3);
    expectContained(result, { status: result.status as 0 | 1 | 2, writes });
    if (_name === 'convert') {
      expect(result.status).toBe(0);
      for (const statement of [
        '@prefix toString: <http://x/>', '@prefix constructor: <http://c/>', 'ex:run a prov:Activity, mls:Run', ':constructor "x"', 'toString:valueOf "y"',
        ':hasOwnProperty "1"^^:toString', ':valueOf a prov:Activity', '<http://p/a> "3"', ':hasOwnProperty "4"^^xsd:int', ':toString a prov:Entity',
        ':__proto__ a prov:Entity', ':__proto__ a prov:Agent', 'constructor:x a prov:Entity', ':__proto__ prov:qualifiedGeneration toString:g',
      ]) expect(result.stdout).toContain(statement);
    }
  });

  it("reads a yProv4ML document with hostile parameter and attribute names (check's importer detection crashed)", () => {
    const result = attack(box, args(HOSTILE_YPROV));
    expect(result.stdout + result.stderr).not.toMatch(NATIVE);
    expect([0, 1], result.stderr).toContain(result.status);
    expectContained(result, { status: result.status as 0 | 1, writes });
    expect(result.stderr).not.toMatch(/^\s+at |internal error/m);
  });
});

describe('scan', () => {
  it('reads calls and file names like Object.prototype members as ordinary names (no finding from a prototype lookup)', () => {
    mkdirSync(box.path('names'), { recursive: true });
    write('names/a.ts', 'import * as tf from "@tensorflow/tfjs";\ntf.constructor();\ntf.toString();\n');
    write('names/b.py', 'import random\nrandom.constructor()\nrandom.__proto__()\n');
    write('names/c.__proto__', 'not code');
    write('names/d.constructor', 'not code');
    const result = attack(box, ['scan', 'names', '--fail-on', 'warning']);
    expectContained(result, { status: 0 });
    expect(result.stdout).toMatch(/0 errors, 0 warnings in 2 files/);
  });
});

describe('every reader turns a parser failure into one line: file, line:column, problem (exit 2)', () => {
  const cases: [string, string | Buffer, RegExp][] = [
    ['prefix.ttl', '@prefix ex <http://e/> .', /prefix\.ttl:1:\d+: invalid Turtle/],
    ['unclosed.ttl', '@prefix ex: <http://e/> .\nex:a ex:b "unterminated .\n', /unclosed\.ttl:2:\d+: invalid Turtle/],
    ['iri.ttl', '<http://e/a b> <http://e/p> <http://e/o> .', /iri\.ttl:1:\d+: invalid Turtle/],
    ['undeclared.ttl', 'ex:a ex:b ex:c .', /undeclared\.ttl:1:\d+: invalid Turtle: Undefined prefix/],
    ['blank-predicate.ttl', '<http://e/a> [] <http://e/o> .', /blank-predicate\.ttl:1:\d+: invalid Turtle/],
    ['newline-in-token.ttl', '<http://e/a> <http://e/p> "x\ny\r\u001b[31m" .', /newline-in-token\.ttl:1:\d+: invalid Turtle/],
    ['nul.ttl', '<http://e/a> <http://e/p> \u0000 .', /nul\.ttl:1:\d+: invalid Turtle/],
    ['graph.trig', '<http://e/g> { <http://e/a> <http://e/p> <http://e/o> . ', /graph\.trig:1:\d+: invalid TriG/],
    ['nested.trig', '<http://e/g> { <http://e/h> { } }', /nested\.trig:1:\d+: invalid TriG/],
    ['relative.nt', '<a> <http://e/p> <http://e/o> .', /relative\.nt:1:\d+: invalid N-Triples/],
    ['prefixed.nt', '@prefix ex: <http://e/> .\nex:a ex:p ex:o .', /prefixed\.nt:1:\d+: invalid N-Triples/],
    ['literal-subject.nt', '"a" <http://e/p> <http://e/o> .', /literal-subject\.nt:1:\d+: invalid N-Triples/],
    ['five.nq', '<http://e/a> <http://e/p> <http://e/o> <http://e/g> <http://e/x> .', /five\.nq:1:\d+: invalid N-Quads/],
    ['dot.nq', '<http://e/a> <http://e/p> <http://e/o> <http://e/g>', /dot\.nq:1:\d+: invalid N-Quads/],
    ['syntax.jsonld', '{"@context": {"ex": "http://e/"}, "@id": "ex:a",', /syntax\.jsonld:1:\d+: invalid JSON/],
    ['context.jsonld', '{"@context": 5, "@id": "http://e/a", "http://e/p": 1}', /context\.jsonld: invalid JSON-LD/],
    ['remote.jsonld', '{"@context": "https://example.org/ctx.jsonld", "@id": "http://e/a"}', /remote\.jsonld: invalid JSON-LD: remote JSON-LD context/],
    ['hostile-context.jsonld', '{"@context": {"__proto__": "http://e/", "hasOwnProperty": "http://e/h", "constructor": {"@id": "http://e/c"}}, "@id": "http://e/a", "constructor": 1, "hasOwnProperty": 2}', /./],
    ['trailing.json', '{"prefix": {"ex": "http://e/"}, "entity": {"ex:a": {}},}', /trailing\.json:1:\d+: invalid JSON/],
    ['comment.json', '{"prefix": {"ex": "http://e/"} /* c */}', /comment\.json:1:\d+: invalid JSON: comments are not allowed/],
    ['control.json', '{"prefix": {"ex": "http://e/\u0007"}}', /control\.json:1:\d+: invalid JSON/],
    ['two.json', '{} {}', /two\.json:1:4: invalid JSON/],
    ['bom-only.json', '\uFEFF', /bom-only\.json: the input is empty/],
    ['array.json', '[1, 2]', /array\.json: expected a PROV-JSON document .*, found an array/],
  ];

  it.each(cases)('%s', (name, content, stderr) => {
    write(name, content);
    for (const command of [['convert', name, '-t', 'ntriples'], ['check', name]]) {
      const result = attack(box, command);
      if (name === 'hostile-context.jsonld') {
        // Valid JSON-LD whose terms are named like Object.prototype members: read, or refused in one line.
        expectContained(result, { status: result.status as 0 | 1 | 2 });
        expect(result.stdout + result.stderr).not.toMatch(NATIVE);
        continue;
      }
      expectContained(result, { status: 2, stderr });
      // Never the raw bytes of the input: no control character, no line break inside the message.
      expect(result.stderr.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f]/);
    }
  });

  it('escapes and truncates what a message quotes from the input', () => {
    write('long-token.ttl', `<http://e/a> <http://e/p> ${'\u001b'.repeat(3)}${'x'.repeat(5000)} .`);
    const result = attack(box, ['convert', 'long-token.ttl', '-t', 'ntriples']);
    expectContained(result, { status: 2, stderr: /long-token\.ttl:1:\d+: invalid Turtle/ });
    expect(result.stderr.length).toBeLessThan(600);
    expect(result.stderr).not.toMatch(/\u001b/);
  });
});

describe('duplicate JSON keys', () => {
  const text = '{"prefix": {"ex": "http://e/"},\n "entity": {"ex:a": {}},\n "entity": {"ex:b": {"prov:label": "one", "prov:label": "two"}}}';
  it('merges two sections and warns, naming both places', () => {
    write('dup.json', text);
    const result = attack(box, ['convert', 'dup.json', '-t', 'ntriples']);
    expectContained(result, { status: 0, stderr: /dup\.json:3:2: duplicate key "entity" \(first at 2:2\): the two objects are merged/ });
    expect(result.stdout).toContain('<http://e/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>');
    expect(result.stdout).toContain('<http://e/b> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>');
    expect(result.stderr).toMatch(/dup\.json:3:43: duplicate key "prov:label" \(first at 3:22\): this value replaces the one at 3:22/);
    expect(result.stdout).toContain('"two"');
  });
  it('check says so too', () => {
    const result = attack(box, ['check', 'dup.json']);
    expectContained(result, { status: 1, stderr: /warning: dup\.json:3:2: duplicate key "entity"/ });
  });
});

describe('invalid UTF-8', () => {
  const bytes = Buffer.concat([Buffer.from('{"prefix": {"ex": "http://e/"},\n "entity": {"ex:a": {"prov:label": "caf'), Buffer.from([0xe9]), Buffer.from('"}}}')]);
  it('is an error naming the file, the line:column and the byte, for convert and check', () => {
    write('latin1.json', bytes);
    for (const command of [['convert', 'latin1.json', '-t', 'turtle'], ['check', 'latin1.json']]) {
      expectContained(attack(box, command), { status: 2, stderr: /latin1\.json:2:40: invalid UTF-8 at byte 71 \(0xe9\)/ });
    }
  });
  it('is read with U+FFFD and a warning under --lenient', () => {
    const converted = attack(box, ['convert', 'latin1.json', '-t', 'turtle', '--lenient']);
    expectContained(converted, { status: 0, stderr: /warning: latin1\.json:2:40: invalid UTF-8 at byte 71 .*U\+FFFD/ });
    expect(converted.stdout).toContain('caf\uFFFD');
    expectContained(attack(box, ['check', 'latin1.json', '--lenient']), { status: 1, stderr: /warning: latin1\.json:2:40: invalid UTF-8/ });
  });
  it('on standard input and in Turtle too', () => {
    const turtle = Buffer.concat([Buffer.from('<http://e/a> <http://e/p> "'), Buffer.from([0xc0, 0x80]), Buffer.from('" .\n')]);
    expectContained(attack(box, ['convert', '-', '--from', 'turtle', '-t', 'ntriples'], { input: turtle }), { status: 2, stderr: /<stdin>:1:28: invalid UTF-8 at byte 27 \(0xc0\)/ });
  });

  it('the byte named is where a strict decoder first fails (random bytes)', () => {
    let seed = 1;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const decodes = (bytes: Uint8Array) => {
      try {
        strict.decode(bytes);
        return true;
      } catch {
        return false;
      }
    };
    for (let n = 0; n < 3000; n++) {
      const bytes = Uint8Array.from({ length: 1 + (next() % 12) }, () => (next() % 3 === 0 ? 0x41 : 0x80 + (next() % 128)));
      const offset = invalidUtf8Offset(bytes);
      expect(offset === bytes.length, Buffer.from(bytes).toString('hex')).toBe(decodes(bytes));
      if (offset < bytes.length) {
        // Everything before the offset is well formed; the sequence starting there is not.
        expect(decodes(bytes.subarray(0, offset)), Buffer.from(bytes).toString('hex')).toBe(true);
      }
    }
  });
});

describe('text larger than Node holds in one string (512 MiB)', () => {
  // A sparse file: 600 MiB of NUL bytes (valid UTF-8, no line end) that take no disk.
  it('is said so, not called invalid UTF-8, whether read whole (check) or in pieces (convert to PROV-JSON)', () => {
    truncateSync(box.path(write('huge.ttl', '')), 600 << 20);
    expectContained(attack(box, ['check', 'huge.ttl'], { timeoutMs: 60_000 }), { status: 2, stderr: /^reprov: huge\.ttl: 600 MiB of text: more than Node holds in one string \(512 MiB\)\n$/ });
    expectContained(attack(box, ['convert', 'huge.ttl', '-t', 'provjson', '-o', 'huge.json'], { timeoutMs: 60_000 }), { status: 2, stderr: /^reprov: huge\.ttl: a line (longer than|of) 512 MiB: more than Node holds in one string/ });
  }, 120_000);
});

describe('integers', () => {
  it('past xsd:long are xsd:integer, written digit for digit; inside it xsd:long or xsd:int', () => {
    write('big.json', '{"prefix":{"ex":"http://e/"},"entity":{"ex:a":{"ex:v":123456789012345678901234567890,"ex:w":9223372036854775807,"ex:x":9223372036854775808,"ex:y":-9223372036854775809,"ex:z":2147483648,"ex:i":-2147483648}}}');
    const result = attack(box, ['convert', 'big.json', '-t', 'ntriples']);
    expectContained(result, { status: 0 });
    const XSD = 'http://www.w3.org/2001/XMLSchema#';
    expect(result.stdout).toContain(`<http://e/v> "123456789012345678901234567890"^^<${XSD}integer>`);
    expect(result.stdout).toContain(`<http://e/w> "9223372036854775807"^^<${XSD}long>`);
    expect(result.stdout).toContain(`<http://e/x> "9223372036854775808"^^<${XSD}integer>`);
    expect(result.stdout).toContain(`<http://e/y> "-9223372036854775809"^^<${XSD}integer>`);
    expect(result.stdout).toContain(`<http://e/z> "2147483648"^^<${XSD}long>`);
    expect(result.stdout).toContain(`<http://e/i> "-2147483648"^^<${XSD}int>`);
  });
});

describe('deep nesting', () => {
  const N = 20_000;
  it('in JSON is one line for the readers (exit 2), not a stack overflow', () => {
    write('deep.json', '['.repeat(N) + ']'.repeat(N));
    write('deep-object.json', '{"entity":' + '{"a":'.repeat(N) + '1' + '}'.repeat(N + 1));
    write('deep.jsonld', '{"@context":{"ex":"http://e/"},"@id":"ex:a","ex:p":' + '{"ex:p":'.repeat(N) + '1' + '}'.repeat(N + 1));
    for (const file of ['deep.json', 'deep-object.json', 'deep.jsonld']) {
      for (const command of [['convert', file, '-t', 'turtle'], ['check', file]]) {
        expectContained(attack(box, command), { status: 2, stderr: new RegExp(`${file.replace('.', '\\.')}:1:\\d+: invalid JSON: nesting deeper than 512 levels`) });
      }
    }
  });
  it('in Turtle is read (n3 does not recurse)', () => {
    write('deep.ttl', '@prefix ex: <http://e/> .\nex:a ex:p ' + '[ ex:q '.repeat(N) + '1' + ' ]'.repeat(N) + ' .\n');
    expectContained(attack(box, ['convert', 'deep.ttl', '-t', 'ntriples', '-o', 'deep.nt']), { status: 0, writes: ['deep.nt'] });
  });
  it('in source files is a warning for that file; scan goes on with the others', () => {
    mkdirSync(box.path('src'), { recursive: true });
    write('src/deep.ts', 'const x = ' + '['.repeat(N) + ']'.repeat(N) + ';\n');
    write('src/deep.py', 'x = ' + '('.repeat(N) + ')'.repeat(N) + '\n');
    write('src/train.py', 'import random\nrandom.random()\n');
    const result = attack(box, ['scan', 'src']);
    expectContained(result, { status: 1, stderr: /warning: src\/deep\.ts: nested too deeply to analyse/ });
    expect(result.stdout).toMatch(/src\/train\.py.*\n[\s\S]*RPV-S101/);
  });
});
