/** The progress bar (src/base/progress.ts): its line, and when it is drawn at all. */
import { describe, expect, it } from 'vitest';
import { disableProgress, formatProgressLine, ProgressBar, progressAllowed, type ProgressStream } from '../../src/base/progress.js';

const MIB = 1024 * 1024;

function stream(isTTY: boolean, columns = 80): ProgressStream & { written: string[] } {
  const written: string[] = [];
  return { isTTY, columns, written, write: (text: string) => written.push(text) };
}

describe('formatProgressLine', () => {
  it('shows the label, a bar, the percentage, MiB done of total and the rate', () => {
    const line = formatProgressLine({ label: 'data/train.bin', done: 512 * MIB, total: 1024 * MIB, elapsedMs: 1000, columns: 100 });
    expect(line).toBe(`reprov: hashing data/train.bin [${'#'.repeat(20)}${'.'.repeat(19)}]  50% 512/1024 MiB 537 MB/s`);
    expect(line.length).toBeLessThan(100);
  });

  it('is an empty bar at the start and a full one at the end', () => {
    expect(formatProgressLine({ label: 'x', done: 0, total: 300 * MIB, elapsedMs: 0 })).toMatch(/\[\.+\]   0% 0\/300 MiB 0 MB\/s$/);
    expect(formatProgressLine({ label: 'x', done: 300 * MIB, total: 300 * MIB, elapsedMs: 2000 })).toMatch(/\[#+\] 100% 300\/300 MiB 157 MB\/s$/);
  });

  it('never overflows the terminal: a long label is shortened from the left, a narrow terminal cuts the line', () => {
    const label = `/very/long/${'directory/'.repeat(20)}model.safetensors`;
    for (const columns of [40, 60, 80, 120, 200]) {
      const line = formatProgressLine({ label, done: 1, total: 2, elapsedMs: 10, columns });
      expect(line.length, String(columns)).toBeLessThanOrEqual(columns - 1);
    }
    const line = formatProgressLine({ label, done: 1, total: 2, elapsedMs: 10, columns: 120 });
    expect(line).toMatch(/reprov: hashing \.\.\.[^ ]*model\.safetensors \[/);
  });

  it('survives odd figures: an empty total, more done than the total, no elapsed time, no columns', () => {
    expect(formatProgressLine({ label: 'e', done: 0, total: 0, elapsedMs: 0, columns: 0 })).toMatch(/100% 0\/0 MiB/);
    expect(formatProgressLine({ label: 'e', done: 20, total: 10, elapsedMs: -5 })).toMatch(/100%/);
    expect(formatProgressLine({ label: 'e', done: 0, total: 10, elapsedMs: 0, verb: 'copying' })).toMatch(/^reprov: copying e /);
  });
});

describe('ProgressBar', () => {
  it('draws on a terminal, at most every 100 ms until the end, and erases itself', () => {
    const tty = stream(true);
    const bar = new ProgressBar(4, 'f', { stream: tty });
    expect(bar.visible).toBe(true);
    bar.add(1);
    bar.add(1); // within 100 ms of the first draw: skipped
    bar.add(2); // the end: always drawn
    expect(tty.written).toHaveLength(2);
    expect(tty.written[0]).toMatch(/^\rreprov: hashing f \[.*\]  25% .*\x1b\[K$/);
    expect(tty.written[1]).toMatch(/ 100% /);
    bar.end();
    expect(tty.written[2]).toBe('\r\x1b[K');
  });

  it('is silent when the stream is not a terminal (piped, redirected), or when not asked for', () => {
    const piped = stream(false);
    const bar = new ProgressBar(10, 'f', { stream: piped });
    bar.add(10);
    bar.end();
    expect(bar.visible).toBe(false);
    expect(piped.written).toEqual([]);
    const tty = stream(true);
    const unwanted = new ProgressBar(10, 'f', { stream: tty, show: false });
    unwanted.add(10);
    unwanted.end();
    expect(tty.written).toEqual([]);
    expect(progressAllowed(piped)).toBe(false);
  });

  // Last: disabling is for the rest of the process.
  it('is silent on a terminal too after disableProgress() (-q)', () => {
    const tty = stream(true);
    expect(progressAllowed(tty)).toBe(true);
    disableProgress();
    expect(progressAllowed(tty)).toBe(false);
    const bar = new ProgressBar(10, 'f', { stream: tty });
    bar.add(10);
    bar.end();
    expect(tty.written).toEqual([]);
  });
});
