/** locateSideFile: a bundle's files found where their producer meant them, never outside the bundle directory. */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { locateSideFile, shorterSpellings } from '../../src/base/side-file.js';

let root: string;
let bundle: string;
beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'rpv-side-')));
  bundle = join(root, 'examples', 'prov', 'mnist_exp_0');
  mkdirSync(bundle, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));
const write = (path: string, content = 'x') => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
};

describe('locateSideFile', () => {
  it('takes the path as written when it is there', () => {
    write(join(bundle, 'metrics', 'loss.nc'));
    expect(locateSideFile(bundle, 'metrics/loss.nc')).toEqual({ ok: true, absolute: join(bundle, 'metrics', 'loss.nc'), path: 'metrics/loss.nc' });
  });

  it('drops a head that repeats the bundle directory\'s trailing folders (yProv4ML writes paths from where the run started)', () => {
    write(join(bundle, 'metrics', 'loss.nc'));
    expect(locateSideFile(bundle, 'examples/prov/mnist_exp_0/metrics/loss.nc')).toEqual({ ok: true, absolute: join(bundle, 'metrics', 'loss.nc'), path: 'metrics/loss.nc' });
    expect(locateSideFile(bundle, './prov/mnist_exp_0/metrics/loss.nc')).toMatchObject({ ok: true, path: 'metrics/loss.nc' });
    expect(locateSideFile(bundle, 'mnist_exp_0\\metrics\\loss.nc')).toMatchObject({ ok: true, path: 'metrics/loss.nc' });
  });

  it('prefers the path as written, then the longest repetition', () => {
    write(join(bundle, 'mnist_exp_0', 'metrics', 'loss.nc'), 'nested');
    write(join(bundle, 'metrics', 'loss.nc'), 'top');
    expect(locateSideFile(bundle, 'mnist_exp_0/metrics/loss.nc').path).toBe('mnist_exp_0/metrics/loss.nc');
    expect(shorterSpellings('prov/mnist_exp_0/mnist_exp_0/a', [bundle])).toEqual(['mnist_exp_0/a']);
    expect(shorterSpellings('examples/prov/mnist_exp_0/a', [bundle])).toEqual(['a']);
    expect(shorterSpellings('other/mnist_exp_0/a', [bundle])).toEqual([]);
  });

  it('answers the path as written (missing) when no spelling is there', () => {
    expect(locateSideFile(bundle, 'examples/prov/mnist_exp_0/metrics/gone.nc')).toEqual({ ok: true, absolute: join(bundle, 'examples/prov/mnist_exp_0/metrics/gone.nc'), path: 'examples/prov/mnist_exp_0/metrics/gone.nc' });
  });

  it('uses the directory as named when it was reached through a symbolic link', () => {
    const alias = join(root, 'alias', 'mnist_exp_0');
    mkdirSync(dirname(alias));
    symlinkSync(bundle, alias);
    write(join(bundle, 'metrics', 'loss.nc'));
    expect(locateSideFile(bundle, 'alias/mnist_exp_0/metrics/loss.nc', { alias }).path).toBe('metrics/loss.nc');
  });

  describe('never leaves the directory', () => {
    beforeEach(() => {
      write(join(root, 'secret.txt'), 'secret');
      mkdirSync(join(root, 'etc'));
      write(join(root, 'etc', 'passwd'), 'root:x:0:0');
    });
    it('refuses ../ and absolute paths, whatever lies there', () => {
      expect(locateSideFile(bundle, '../../etc/passwd')).toMatchObject({ ok: false, problem: 'leaves' });
      expect(locateSideFile(bundle, '../../../etc/passwd')).toMatchObject({ ok: false, problem: 'leaves' });
      expect(locateSideFile(bundle, '/etc/passwd')).toMatchObject({ ok: false, problem: 'absolute' });
      expect(locateSideFile(bundle, join(root, 'secret.txt'))).toMatchObject({ ok: false, problem: 'absolute' });
      expect(locateSideFile(bundle, 'a\0b')).toMatchObject({ ok: false, problem: 'nul' });
    });
    it('refuses repeated folders followed by a climb out (the shorter spelling would leave)', () => {
      // As written it stays inside (examples/prov/mnist_exp_0/../../../secret.txt is bundle/secret.txt, absent);
      // dropping the repeated head leaves the directory: refused, never read.
      expect(locateSideFile(bundle, 'examples/prov/mnist_exp_0/../../../secret.txt')).toMatchObject({ ok: false, problem: 'leaves' });
      expect(locateSideFile(bundle, 'mnist_exp_0/../../../../etc/passwd')).toMatchObject({ ok: false, problem: 'leaves' });
      expect(locateSideFile(bundle, 'mnist_exp_0/../../../etc/passwd')).toMatchObject({ ok: false });
    });
    it('refuses a shorter spelling that runs through a symbolic link out', () => {
      symlinkSync(root, join(bundle, 'up'));
      expect(locateSideFile(bundle, 'mnist_exp_0/up/secret.txt')).toMatchObject({ ok: false, problem: 'link' });
      expect(locateSideFile(bundle, 'up/secret.txt')).toMatchObject({ ok: false, problem: 'link' });
    });
  });
});
