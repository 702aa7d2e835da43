/**
 * Content hashing: file digests against coreutils `sha256sum`, the directory digest against the
 * shell one-liner documented in src/collect/hash.ts (read from the doc comment itself, so the
 * documentation cannot drift), symbolic links, and the persistent cache.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIRECTORY_DIGEST_METHOD, HashCache, HashError, hashDirectory, hashFile } from '../../src/base/hash.js';

const HASH_SOURCE = new URL('../../src/base/hash.ts', import.meta.url);

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'reprov-hash-'));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const sha256sum = (file: string) => execFileSync('sha256sum', ['-b', file], { encoding: 'utf8' }).slice(0, 64);

/** The bash one-liner from the doc comment of hash.ts, run in `dir`. */
function documentedDirectoryDigest(dir: string): string {
  const source = readFileSync(HASH_SOURCE, 'utf8');
  const start = source.indexOf(' *     cd DIR &&');
  const end = source.indexOf('| sha256sum\n', start);
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  const script = source.slice(start, end + '| sha256sum'.length)
    .split('\n').map((line) => line.replace(/^ \*\s{5}/, '')).join('\n')
    .replace('cd DIR', 'cd "$1"');
  return execFileSync('bash', ['-c', script, 'bash', dir], { encoding: 'utf8' }).slice(0, 64);
}

/** Sets a file's mtime to a whole second well in the past (so the cache trusts it, see RACY_WINDOW_MS). */
function age(file: string, secondsAgo = 3600): number {
  const seconds = Math.floor(Date.now() / 1000) - secondsAgo;
  utimesSync(file, seconds, seconds);
  return seconds;
}

describe('hashFile', () => {
  it('gives the same digest as sha256sum, across chunk boundaries', async () => {
    const cases: Array<[string, Buffer]> = [
      ['empty', Buffer.alloc(0)],
      ['abc', Buffer.from('abc')],
      ['chunk-exact', randomBytes(4 * 1024 * 1024)],
      ['odd-size', randomBytes(9 * 1024 * 1024 + 3)],
    ];
    for (const [name, content] of cases) {
      const file = join(tmp, name);
      writeFileSync(file, content);
      const result = await hashFile(file);
      expect(result.sha256, name).toBe(sha256sum(file));
      expect(result.bytes, name).toBe(content.length);
    }
    // well-known vector
    expect((await hashFile(join(tmp, 'abc'))).sha256).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('reports progress up to the file size', async () => {
    const file = join(tmp, 'big');
    writeFileSync(file, randomBytes(10 * 1024 * 1024));
    const seen: Array<[number, number]> = [];
    await hashFile(file, { onProgress: (done, total) => seen.push([done, total]), progress: false });
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.at(-1)).toEqual([10 * 1024 * 1024, 10 * 1024 * 1024]);
  });

  it('gives the event loop turns while it reads a large file (blocking reads, paused)', async () => {
    const file = join(tmp, 'large');
    writeFileSync(file, randomBytes(96 * 1024 * 1024));
    let turns = 0;
    let hashing = true;
    const spin = () => {
      turns++;
      if (hashing) setImmediate(spin);
    };
    setImmediate(spin);
    await hashFile(file, { progress: false });
    hashing = false;
    // 96 MiB take tens of milliseconds at least; one turn every 10 ms gives several (unpaused: 1)
    expect(turns).toBeGreaterThan(2);
  });

  it('throws a HashError naming the path for a missing file or a directory', async () => {
    const missing = join(tmp, 'nope.bin');
    await expect(hashFile(missing)).rejects.toThrow(HashError);
    await expect(hashFile(missing)).rejects.toThrow(`${missing}: no such file or directory`);
    await expect(hashFile(tmp)).rejects.toThrow('is a directory');
  });
});

describe('hashDirectory', () => {
  const files: Record<string, string | Buffer> = {
    'b.txt': 'bee\n',
    'a.txt': 'ay\n',
    'a-b': 'dash',
    'a.b': 'dot',
    'a/b': 'nested',
    'A/z': 'capital',
    'sub dir/with space.csv': 'x,y\n1,2\n',
    'deep/er/still/file': '',
    'é.txt': 'e acute',
    '\u{1F600}.txt': 'astral',
    '\uFF21.txt': 'fullwidth A: after the astral name in UTF-16 order, before it in byte order',
    '.hidden': 'hidden files count',
  };

  function build(root: string, order: string[]): void {
    for (const name of order) {
      mkdirSync(join(root, name, '..'), { recursive: true });
      writeFileSync(join(root, name), files[name] as string);
    }
    mkdirSync(join(root, 'empty-dir'), { recursive: true });
  }

  it('is stable under creation order and equals the documented shell one-liner', async () => {
    const names = Object.keys(files);
    const first = join(tmp, 'first');
    const second = join(tmp, 'second');
    build(first, names);
    build(second, [...names].reverse());
    writeFileSync(join(first, 'large.bin'), randomBytes(3 * 1024 * 1024 + 17));
    writeFileSync(join(second, 'large.bin'), readFileSync(join(first, 'large.bin')));
    symlinkSync('a.txt', join(first, 'link-to-a'));
    symlinkSync('a.txt', join(second, 'link-to-a'));

    const one = await hashDirectory(first);
    const two = await hashDirectory(second);
    expect(one.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(two.sha256).toBe(one.sha256);
    expect(one.fileCount).toBe(names.length + 1);
    expect(one.linkCount).toBe(1);
    expect(one.bytes).toBe(names.reduce((n, k) => n + Buffer.byteLength(files[k] as string), 0) + 3 * 1024 * 1024 + 17);
    expect(documentedDirectoryDigest(first)).toBe(one.sha256);
    expect(DIRECTORY_DIGEST_METHOD).toBe('reprov-dir-sha256/1');
  });

  it('feeds exactly <path>\\0<sha256>\\n per file in byte order', async () => {
    const dir = join(tmp, 'small');
    mkdirSync(join(dir, 'a'), { recursive: true });
    writeFileSync(join(dir, 'a.b'), 'x');
    writeFileSync(join(dir, 'a', 'b'), 'y');
    const { createHash } = await import('node:crypto');
    const h = (s: string) => createHash('sha256').update(s).digest('hex');
    // byte order: "a.b" (0x2E) before "a/b" (0x2F)
    const expected = h(`a.b\0${h('x')}\na/b\0${h('y')}\n`);
    expect((await hashDirectory(dir)).sha256).toBe(expected);
    expect((await hashDirectory(join(tmp, 'small') + '/')).sha256).toBe(expected);
  });

  it('records symbolic links by target and does not follow them', async () => {
    const outside = join(tmp, 'outside');
    mkdirSync(join(outside, 'tree'), { recursive: true });
    writeFileSync(join(outside, 'target.txt'), 'one');
    writeFileSync(join(outside, 'tree', 'inner.txt'), 'inner');
    const dir = join(tmp, 'with-links');
    mkdirSync(dir);
    writeFileSync(join(dir, 'plain.txt'), 'plain');
    symlinkSync(join(outside, 'target.txt'), join(dir, 'file-link'));
    symlinkSync(join(outside, 'tree'), join(dir, 'dir-link'));
    symlinkSync('does-not-exist', join(dir, 'dangling'));

    const before = await hashDirectory(dir);
    expect(before.fileCount).toBe(1);
    expect(before.linkCount).toBe(3);
    expect(before.bytes).toBe(5);
    expect(documentedDirectoryDigest(dir)).toBe(before.sha256);

    // the targets' content does not enter the digest...
    writeFileSync(join(outside, 'target.txt'), 'two, longer');
    writeFileSync(join(outside, 'tree', 'inner.txt'), 'changed');
    expect((await hashDirectory(dir)).sha256).toBe(before.sha256);
    // ...the link's target string does
    rmSync(join(dir, 'dangling'));
    symlinkSync('does-not-exist-either', join(dir, 'dangling'));
    expect((await hashDirectory(dir)).sha256).not.toBe(before.sha256);
  });

  it('handles names that are not UTF-8 or hold a newline, byte for byte like the shell', async () => {
    const dir = join(tmp, 'odd-names');
    mkdirSync(dir);
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/bad`), Buffer.from([0xff, 0xfe]), Buffer.from('name')]), 'x');
    writeFileSync(join(dir, 'new\nline'), 'z');
    writeFileSync(join(dir, 'ok'), 'y');
    symlinkSync(Buffer.concat([Buffer.from('target'), Buffer.from([0xff])]), Buffer.from(`${dir}/link`));
    const result = await hashDirectory(dir);
    expect(result.fileCount).toBe(3);
    expect(result.linkCount).toBe(1);
    expect(documentedDirectoryDigest(dir)).toBe(result.sha256);
  });

  it('digests an empty directory to the SHA-256 of nothing', async () => {
    const dir = join(tmp, 'empty');
    mkdirSync(dir);
    expect(await hashDirectory(dir)).toEqual({
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', bytes: 0, fileCount: 0, linkCount: 0, cachedCount: 0,
    });
    expect(documentedDirectoryDigest(dir)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('throws a HashError for a missing directory or a file', async () => {
    await expect(hashDirectory(join(tmp, 'missing'))).rejects.toThrow(HashError);
    writeFileSync(join(tmp, 'f'), 'f');
    await expect(hashDirectory(join(tmp, 'f'))).rejects.toThrow('not a directory');
  });
});

describe('HashCache', () => {
  const cacheFile = () => join(tmp, 'cache', 'hash-cache.json');

  it('returns the cached digest without reading when size, mtime and inode match', async () => {
    const file = join(tmp, 'data.bin');
    writeFileSync(file, 'original content');
    const mtime = age(file);
    const original = sha256sum(file);
    const inode = statSync(file).ino;

    const first = await hashFile(file, { cache: new HashCache({ file: cacheFile() }) });
    expect(first).toEqual({ sha256: original, bytes: 16 });
    const persisted = JSON.parse(readFileSync(cacheFile(), 'utf8')) as { version: number; entries: Record<string, { sha256: string }> };
    expect(persisted.version).toBe(2);
    // Keyed by the path's digest: the cache file names no file (a name can hold a secret).
    expect(persisted.entries[createHash('sha256').update(file).digest('hex')]?.sha256).toBe(original);
    expect(readFileSync(cacheFile(), 'utf8')).not.toContain(basename(file));

    // Same size, different bytes, mtime restored, same inode: a fresh cache object (read from disk)
    // returns the old digest, which proves the file was not read.
    writeFileSync(file, 'REPLACED CONTENT');
    utimesSync(file, mtime, mtime);
    expect(statSync(file).ino).toBe(inode);
    const replaced = sha256sum(file);
    expect(replaced).not.toBe(original);
    const hit = await hashFile(file, { cache: new HashCache({ file: cacheFile() }) });
    expect(hit).toEqual({ sha256: original, bytes: 16, cached: true });

    // A different mtime: recomputed, and the new digest is cached.
    utimesSync(file, mtime + 1, mtime + 1);
    const cache = new HashCache({ file: cacheFile() });
    expect(await hashFile(file, { cache })).toEqual({ sha256: replaced, bytes: 16 });
    expect(await hashFile(file, { cache })).toEqual({ sha256: replaced, bytes: 16, cached: true });
  });

  it('misses when the size or the inode changes', async () => {
    const file = join(tmp, 'data.bin');
    writeFileSync(file, 'abc');
    const mtime = age(file);
    const cache = new HashCache({ file: cacheFile() });
    await hashFile(file, { cache });
    writeFileSync(file, 'abcd');
    utimesSync(file, mtime, mtime);
    expect(await hashFile(file, { cache })).toEqual({ sha256: sha256sum(file), bytes: 4 });

    // replaced by another file (new inode) with the same size and mtime
    const other = join(tmp, 'other.bin');
    writeFileSync(other, 'wxyz');
    utimesSync(other, mtime, mtime);
    rmSync(file);
    execFileSync('mv', [other, file]);
    expect(await hashFile(file, { cache })).toEqual({ sha256: sha256sum(file), bytes: 4 });
  });

  it('does not trust a digest of a file modified just before it was hashed (racy)', async () => {
    const file = join(tmp, 'fresh.bin');
    writeFileSync(file, 'just written');
    const cache = new HashCache({ file: cacheFile() });
    await hashFile(file, { cache });
    expect((await hashFile(file, { cache })).cached).toBeUndefined();
  });

  it('tolerates a corrupt or foreign cache file and rebuilds it', async () => {
    const file = join(tmp, 'data.bin');
    writeFileSync(file, 'content');
    age(file);
    for (const garbage of ['{not json', '[]', '{"version":3,"entries":{}}', `{"version":1,"entries":{"${file}":{"size":7}}}`, `{"version":2,"entries":{"x":{"size":"7"}}}`, '']) {
      mkdirSync(join(tmp, 'cache'), { recursive: true });
      writeFileSync(cacheFile(), garbage);
      const cache = new HashCache({ file: cacheFile() });
      expect(await hashFile(file, { cache })).toEqual({ sha256: sha256sum(file), bytes: 7 });
      const rebuilt = JSON.parse(readFileSync(cacheFile(), 'utf8')) as { entries: Record<string, unknown> };
      expect(Object.keys(rebuilt.entries)).toEqual([createHash('sha256').update(file).digest('hex')]);
      expect((await hashFile(file, { cache: new HashCache({ file: cacheFile() }) })).cached).toBe(true);
    }
  });

  it('never throws when the cache cannot be written', async () => {
    const file = join(tmp, 'data.bin');
    writeFileSync(file, 'content');
    writeFileSync(join(tmp, 'not-a-dir'), '');
    const cache = new HashCache({ file: join(tmp, 'not-a-dir', 'hash-cache.json') });
    expect(await hashFile(file, { cache })).toEqual({ sha256: sha256sum(file), bytes: 7 });
    expect(await cache.save()).toBe(false); // the entry is still unsaved
    expect(cache.size).toBe(1); // and still served from memory
    expect(await new HashCache({ file: cacheFile() }).save()).toBe(true); // nothing to save is no failure
  });

  it('keeps directory files cached: a second pass reads nothing', async () => {
    const dir = join(tmp, 'tree');
    mkdirSync(join(dir, 'x'), { recursive: true });
    for (let i = 0; i < 20; i++) {
      writeFileSync(join(dir, 'x', `f${i}`), `file ${i}`);
      age(join(dir, 'x', `f${i}`));
    }
    const cache = new HashCache({ file: cacheFile() });
    const first = await hashDirectory(dir, { cache });
    expect(first.cachedCount).toBe(0);
    let read = 0;
    const second = await hashDirectory(dir, { cache: new HashCache({ file: cacheFile() }), onProgress: (done) => { read = done; } });
    expect(second).toEqual({ ...first, cachedCount: 20 });
    expect(read).toBe(0);
  });

  it('merges entries saved by another process meanwhile', async () => {
    const a = join(tmp, 'a');
    const b = join(tmp, 'b');
    writeFileSync(a, 'a');
    writeFileSync(b, 'b');
    age(a);
    age(b);
    const one = new HashCache({ file: cacheFile() });
    const two = new HashCache({ file: cacheFile() });
    expect(one.size).toBe(0);
    expect(two.size).toBe(0);
    await hashFile(a, { cache: one });
    await hashFile(b, { cache: two });
    expect(new HashCache({ file: cacheFile() }).size).toBe(2);
  });

  it('lives under $REPROV_CACHE_DIR, $XDG_CACHE_HOME/reprov or ~/.cache/reprov', () => {
    expect(HashCache.defaultDirectory({ REPROV_CACHE_DIR: '/c/r', XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/c/r');
    expect(HashCache.defaultDirectory({ XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/x/reprov');
    expect(HashCache.defaultDirectory({ XDG_CACHE_HOME: 'relative', HOME: '/h' })).toBe('/h/.cache/reprov');
    expect(HashCache.defaultDirectory({ HOME: '/h' })).toBe('/h/.cache/reprov');
    expect(new HashCache({ env: { HOME: '/h' } }).file).toBe('/h/.cache/reprov/hash-cache.json');
  });
});
