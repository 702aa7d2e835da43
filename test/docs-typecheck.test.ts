/**
 * Every TypeScript block of README.md and docs/*.md compiles, strict, against the package as a user
 * imports it (`from 'reprov'`, resolved through package.json "exports" to the built .d.ts). A block
 * that is deliberately a fragment is preceded by `<!-- not-compiled: reason -->` and listed below,
 * so leaving one out is a visible change. A failing block is named by its file and line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from './support/cli.js';

interface Block {
  /** The Markdown file, relative to the repository. */
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** The reason given by a preceding `<!-- not-compiled: reason -->`. */
  skip?: string;
}

const FENCE = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/;
const NOT_COMPILED = /^\s*<!--\s*not-compiled:(.*?)-->\s*$/;

/** The ```ts and ```typescript blocks of one Markdown text, and what is wrong with its fences. */
function tsBlocks(doc: string, text: string): { blocks: Block[]; problems: string[] } {
  const lines = text.split(/\r?\n/);
  const blocks: Block[] = [];
  const problems: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open as unknown as [string, string, string, string];
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !close.test(lines[end]!)) end++;
    if (end === lines.length) {
      problems.push(`${doc}:${i + 1}: a code fence that is never closed`);
      break;
    }
    const lang = info.toLowerCase();
    if (lang === 'ts' || lang === 'typescript') {
      const code = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l)).join('\n');
      let before = i - 1;
      while (before >= 0 && lines[before]!.trim() === '') before--;
      const marker = before >= 0 ? NOT_COMPILED.exec(lines[before]!) : null;
      const block: Block = { doc, line: i + 1, code };
      if (marker) {
        const reason = marker[1]!.trim();
        if (!reason) problems.push(`${doc}:${i + 1}: not-compiled without a reason`);
        block.skip = reason;
      }
      blocks.push(block);
    }
    i = end;
  }
  return { blocks, problems };
}

const fileOf = (block: Block) => `${block.doc.replace(/[^A-Za-z0-9.-]+/g, '_')}-L${block.line}.ts`;

/** Compiles the blocks, each as a module importing the built package; tsc's errors as `doc:line: TSxxxx message`. */
function typecheck(blocks: readonly Block[], work: string): string[] {
  const dir = mkdtempSync(join(work, 'blocks-'));
  mkdirSync(join(dir, 'node_modules'));
  // `reprov` resolves as a user's import does: node_modules/reprov, its package.json "exports", dist/src/index.d.ts.
  symlinkSync(REPO, join(dir, 'node_modules', 'reprov'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'docs-blocks', private: true, type: 'module' }));
  const byFile = new Map<string, Block>();
  for (const block of blocks) {
    byFile.set(fileOf(block), block);
    // `export {}`: a module even without an import, so top-level await is allowed.
    writeFileSync(join(dir, fileOf(block)), `${block.code}\nexport {};\n`);
  }
  const compilerOptions = {
    strict: true,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    noEmit: true,
    skipLibCheck: true,
    typeRoots: [join(REPO, 'node_modules/@types')],
    types: ['node'],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: [...byFile.keys()] }));
  const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', dir, '--pretty', 'false'], { cwd: dir, encoding: 'utf8' });
  const errors: string[] = [];
  for (const line of `${tsc.stdout}${tsc.stderr}`.split('\n')) {
    if (!line.trim() || line.startsWith(' ')) continue;
    const m = /^(.+?\.ts)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    const block = m ? byFile.get(m[1]!) : undefined;
    errors.push(m && block ? `${block.doc}:${block.line + Number(m[2])}:${m[3]}: ${m[4]} ${m[5]}` : line);
  }
  if (tsc.status !== 0 && errors.length === 0) errors.push(`tsc exited ${tsc.status}`);
  return errors;
}

const docs = (): string[] => ['README.md', ...readdirSync(join(REPO, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

describe('TypeScript in the documentation', () => {
  const work = mkdtempSync(join(tmpdir(), 'reprov-docs-ts-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const found = docs().map((doc) => tsBlocks(doc, readFileSync(join(REPO, doc), 'utf8')));
  const blocks = found.flatMap((f) => f.blocks);

  it('has well-formed fences, and a reason for each block left out', () => {
    expect(found.flatMap((f) => f.problems)).toEqual([]);
  });

  it('leaves out only these fragments', () => {
    expect(blocks.filter((b) => b.skip !== undefined).map((b) => `${b.doc}: ${b.skip}`)).toEqual([
      'docs/metric-files.md: signatures of collect-layer functions, which the package entry does not export',
    ]);
  });

  it('compiles every other block, strict, against the built package', () => {
    if (!existsSync(join(REPO, 'dist/src/index.d.ts'))) throw new Error('dist/src/index.d.ts is missing: run npm run build');
    const compiled = blocks.filter((b) => b.skip === undefined);
    expect(compiled.length).toBeGreaterThanOrEqual(4);
    expect(compiled.filter((b) => b.doc === 'README.md').length).toBeGreaterThanOrEqual(3);
    expect(typecheck(compiled, work)).toEqual([]);
  });

  it('names a failing block by its file and line, and finds broken fences', () => {
    const doc = [
      '# Title', //                                                     1
      '```ts', //                                                       2
      "import { startRun } from 'reprov';", //                          3
      'const run = await startRun({ experiment: 1 });', //             4: experiment is a string
      '```', //                                                         5
      '', //                                                            6
      '- in a list:', //                                                7
      '  ```typescript', //                                             8
      '  for (let step = 0; step < steps; step++) console.log(step);', // 9: steps is undefined
      '  ```', //                                                       10
      '<!-- not-compiled:   -->', //                                    11
      '````ts', //                                                      12
      'not typescript ```', //                                          13
      '````', //                                                        14
      '```sh', //                                                       15
      'echo never closed', //                                           16
    ].join('\n');
    const { blocks: own, problems } = tsBlocks('bad.md', doc);
    expect(problems).toEqual(['bad.md:12: not-compiled without a reason', 'bad.md:15: a code fence that is never closed']);
    expect(own.map((b) => [b.line, b.skip])).toEqual([[2, undefined], [8, undefined], [12, '']]);
    const errors = typecheck(own.filter((b) => b.skip === undefined), work);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^bad\.md:4:\d+: TS2322 Type 'number' is not assignable to type 'string'/);
    expect(errors[1]).toMatch(/^bad\.md:9:\d+: TS\d+ Cannot find name 'steps'/);
  });
});
