/** safeName: ids from inputs as file names that stay where they are put, never collide, and fit any file system. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSafeName, MAX_NAME, safeName } from '../../src/base/safe-name.js';

const TRICKY = [
  '', '.', '..', '...', '../../victim', '../', '/abs', '/', '//', 'a/b', 'a\\b', 'a_b', 'a-b', 'a b', 'a\0b', '\0', 'a\nb', 'a\tb', '\x1b[31m',
  'CON', 'con', 'con.txt', 'Con.', 'nul', 'NUL.tar.gz', 'COM1', 'lpt9', 'aux', 'prn', 'console', 'COM10',
  '.hidden', '..hidden', 'trailing.', 'trailing..', 'x'.repeat(MAX_NAME), 'x'.repeat(MAX_NAME + 1), 'x'.repeat(300), 'y'.repeat(300),
  'x'.repeat(300) + 'a', 'é', 'e\u0301', 'Ω', '日本語', '\uD800', '\uDBFF', '\uDC00', '😀', 'a~b', 'a_b~0123456789ab', '~',
  'file:///etc/passwd', 'C:\\Windows', 'a:b', 'a*b', 'a?b', 'a|b', 'a"b', 'a<b>', '0f1e2d3c4b5a69788796a5b4c3d2e1f0', 'loss', 'val/accuracy', 'val_accuracy',
];

describe('safeName', () => {
  it('keeps safe names as they are (MLflow run ids, plain metric names), and is idempotent on them', () => {
    for (const id of ['0f1e2d3c4b5a69788796a5b4c3d2e1f0', 'loss', 'val_accuracy', 'a-b.c', 'Loss_train', 'x'.repeat(MAX_NAME), 'consoles', 'COM10', 'a..b']) {
      expect(isSafeName(id), id).toBe(true);
      expect(safeName(id)).toBe(id);
      expect(safeName(safeName(id))).toBe(safeName(id));
    }
  });

  it('makes every tricky id one harmless name: no separator, NUL, control character, leading or trailing dot, device name; bounded length; never empty', () => {
    for (const id of TRICKY) {
      const name = safeName(id);
      expect(name, JSON.stringify(id)).toMatch(/^[A-Za-z0-9._~-]+$/);
      expect(name.length).toBeGreaterThan(0);
      expect(name.length).toBeLessThanOrEqual(MAX_NAME);
      expect(name).not.toMatch(/^\.|\.$/);
      expect(name).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
      expect(['.', '..']).not.toContain(name);
      // A changed id carries its digest.
      if (name !== id) expect(name).toMatch(/~[0-9a-f]{12}$/);
    }
  });

  it('is deterministic and injective: two different ids never share a name', () => {
    const names = new Map<string, string>();
    for (const id of TRICKY) {
      expect(safeName(id)).toBe(safeName(id));
      const name = safeName(id);
      expect(names.get(name), `${JSON.stringify(id)} and ${JSON.stringify(names.get(name))} -> ${name}`).toBeUndefined();
      names.set(name, id);
    }
    // What sanitising makes, given as an id, is a different name again (`~` is never kept).
    expect(safeName(safeName('a/b'))).not.toBe(safeName('a/b'));
    // Long ids that share their first characters differ by their digest.
    expect(safeName('x'.repeat(300) + 'a')).not.toBe(safeName('x'.repeat(300) + 'b'));
  });

  it('names a file that the system accepts and that lands inside the directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprov-safe-name-'));
    try {
      const inside = join(dir, 'inside');
      mkdirSync(inside);
      for (const id of TRICKY) writeFileSync(join(inside, safeName(id)), id);
      expect(readdirSync(dir)).toEqual(['inside']);
      expect(readdirSync(inside)).toHaveLength(TRICKY.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
