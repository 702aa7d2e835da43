/** The channel file: whole lines only, malformed and foreign lines counted, never thrown. */
import { appendFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createChannel, parseLine } from '../../src/instrument/channel.js';

describe('the instrumentation channel', () => {
  it('is a private file in a directory of its own, removed on close', () => {
    const channel = createChannel();
    expect(existsSync(channel.path)).toBe(true);
    channel.close();
    expect(existsSync(channel.dir)).toBe(false);
  });

  it('reads complete lines only: a line still being written waits for its end', () => {
    const channel = createChannel();
    try {
      appendFileSync(channel.path, '{"v":1,"pid":1,"type":"param","name":"lr","value":0.1}\n{"v":1,"pid":2,"ty');
      expect(channel.reader.read()).toEqual([{ v: 1, pid: 1, type: 'param', name: 'lr', value: 0.1 }]);
      appendFileSync(channel.path, 'pe":"exit"}\n');
      expect(channel.reader.read()).toEqual([{ v: 1, pid: 2, type: 'exit' }]);
      expect(channel.reader.read()).toEqual([]);
    } finally {
      channel.close();
    }
  });

  it('counts malformed lines and lines of another version, and goes on', () => {
    const channel = createChannel();
    try {
      appendFileSync(channel.path, 'not json\n[1,2]\n{"v":1,"type":"x"}\n{"v":2,"pid":1,"type":"param"}\n\n{"v":1,"pid":1,"type":"exit"}\n');
      expect(channel.reader.read()).toEqual([{ v: 1, pid: 1, type: 'exit' }]);
      expect(channel.reader.malformed).toBe(3);
      expect(channel.reader.otherVersion).toBe(1);
    } finally {
      channel.close();
    }
  });

  it('gives events without a prototype a line could change', () => {
    const event = parseLine('{"v":1,"pid":1,"type":"param","__proto__":{"polluted":true}}');
    expect(typeof event).toBe('object');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(event)).toBe(null);
  });
});
