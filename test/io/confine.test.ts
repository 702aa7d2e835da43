/** Paths from a bundle never leave the directory they are resolved against (src/io/confine.ts). */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { confine } from '../../src/base/confine.js';

const top = realpathSync(mkdtempSync(join(tmpdir(), 'reprov-confine-')));
afterAll(() => rmSync(top, { recursive: true, force: true }));
const root = join(top, 'root');
mkdirSync(join(root, 'data'), { recursive: true });
writeFileSync(join(root, 'data', 'a.csv'), 'a');
writeFileSync(join(top, 'secret.txt'), 'secret');
symlinkSync(join(top, 'secret.txt'), join(root, 'out-link'));
symlinkSync(join(root, 'data'), join(root, 'in-link'));
symlinkSync(top, join(root, 'out-dir'));
symlinkSync(join(top, 'missing'), join(root, 'dangling-out'));

describe('confine', () => {
  it('follows relative paths and links that stay inside, also to files that do not exist yet', () => {
    expect(confine(root, 'data/a.csv')).toEqual({ ok: true, absolute: join(root, 'data', 'a.csv') });
    expect(confine(root, './data/../data/a.csv')).toEqual({ ok: true, absolute: join(root, 'data', 'a.csv') });
    expect(confine(root, 'in-link/a.csv')).toEqual({ ok: true, absolute: join(root, 'data', 'a.csv') });
    expect(confine(root, 'data/new.csv')).toEqual({ ok: true, absolute: join(root, 'data', 'new.csv') });
  });

  it('refuses absolute paths, file URLs and Windows paths', () => {
    for (const path of [join(top, 'secret.txt'), `file://${join(top, 'secret.txt')}`, 'C:\\Users\\me\\key', '\\\\server\\share\\x']) {
      expect(confine(root, path)).toMatchObject({ ok: false, problem: 'absolute' });
    }
  });

  it('refuses .. out of the root, links out of it (also through a directory and dangling ones) and NUL characters', () => {
    expect(confine(root, '../secret.txt')).toMatchObject({ ok: false, problem: 'leaves' });
    expect(confine(root, 'data/../../secret.txt')).toMatchObject({ ok: false, problem: 'leaves' });
    expect(confine(root, 'out-link')).toMatchObject({ ok: false, problem: 'link' });
    expect(confine(root, 'out-dir/secret.txt')).toMatchObject({ ok: false, problem: 'link' });
    expect(confine(root, 'dangling-out')).toMatchObject({ ok: false, problem: 'link' });
    expect(confine(root, 'data/a.csv\0.txt')).toMatchObject({ ok: false, problem: 'nul' });
  });
});
