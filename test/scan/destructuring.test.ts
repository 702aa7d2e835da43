/** TypeScript/JavaScript names taken from a module or a known global by destructuring or aliasing resolve like the import itself. */
import { describe, expect, it } from 'vitest';
import D102 from '../../rules/scan/RPV-D102.js';
import S104 from '../../rules/scan/RPV-S104.js';
import S106 from '../../rules/scan/RPV-S106.js';
import { code, factsOf, hits } from './support.js';

const callees = async (source: string) => (await factsOf(source, 'typescript')).calls.map((c) => c.callee ?? `local:${c.written}`);

describe('destructured and aliased bindings (TypeScript/JavaScript)', () => {
  it('resolve names destructured from an import namespace, a default import and require', async () => {
    expect(await callees(code(`
      import * as tf from '@tensorflow/tfjs';
      import lib from 'lib';
      const cjs = require('node:crypto');
      const { randomNormal, util: { shuffle }, initializers: { heNormal: he } } = tf;
      const { a, ...rest } = lib;
      const { createHash: hash } = cjs;
      randomNormal([2]);
      shuffle(xs);
      he();
      a();
      rest.b();
      hash('sha256');
    `))).toEqual([
      'local:require', '@tensorflow/tfjs.randomNormal', '@tensorflow/tfjs.util.shuffle', '@tensorflow/tfjs.initializers.heNormal',
      'lib.a', 'lib.b', 'crypto.createHash',
    ]);
  });
  it('resolve destructuring of a known global, aliases of aliases, and dynamic import', async () => {
    expect(await callees(code(`
      const { random } = Math;
      const r2 = random;
      const { subtle: { digest } } = crypto;
      const { default: fetchIt } = await import('node-fetch');
      const { get } = await import('node:https');
      random(); r2(); digest('SHA-256', b); fetchIt(u); get(u);
    `))).toEqual(['local:import', 'local:import', 'Math.random', 'Math.random', 'crypto.subtle.digest', 'node-fetch', 'https.get']);
  });
  it('leave local objects and shadowed globals alone', async () => {
    expect(await callees(code(`
      import { Math } from './seeded-math';
      const { random } = Math;
      const { shuffle } = helpers;
      const { x } = makeLib();
      random(); shuffle(); x();
    `))).toEqual(['local:makeLib', './seeded-math.Math.random', 'local:shuffle', 'local:x']);
  });
  it('feed the rules: Math.random, tfjs draws and downloads found through destructuring', async () => {
    expect(await hits(S106, 'const { random } = Math;\nconst x = random();\n', 'typescript')).toEqual(['2:Math.random']);
    expect(await hits(S104, "import * as tf from '@tensorflow/tfjs';\nconst { randomUniform } = tf;\nrandomUniform([2, 2]);\nrandomUniform([2, 2], 0, 1, 'float32', 42);\n", 'typescript'))
      .toEqual(['3:@tensorflow/tfjs.randomUniform']);
    expect(await hits(S104, "const tf = require('@tensorflow/tfjs-node');\nconst { random: { x } = {}, randomNormal: rn } = tf;\nrn([3]);\n", 'typescript')).toEqual(['3:@tensorflow/tfjs-node.randomNormal']);
    const download = "const axiosLib = require('axios');\nconst { get } = axiosLib;\nconst { createHash } = require('crypto');\nawait get(URL);\n";
    expect(await hits(D102, download, 'typescript')).toEqual(['4:axios.get']);
    expect(await hits(D102, `${download}createHash('sha256').update(b).digest('hex');\n`, 'typescript')).toEqual([]);
  });
  it('hostile input: self-referencing and cyclic destructuring terminates and resolves nothing', async () => {
    expect(await callees("let { a } = b;\nlet { b } = a;\nconst c = c;\na(); b(); c();\n")).toEqual(['local:a', 'local:b', 'local:c']);
    const deep = `import lib from 'lib';\nconst ${'{ a: '.repeat(200)}z${' }'.repeat(200)} = lib;\nz();\n`;
    expect((await callees(deep)).at(-1)).toBe(`lib${'.a'.repeat(200)}`);
  });
});
