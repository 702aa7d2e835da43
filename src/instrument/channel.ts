/**
 * The channel between `reprov record` and the processes it runs: a JSON-lines file in a private
 * temporary directory the recorder owns (mode 0700), its path in `REPROV_CHANNEL`. Each process
 * appends whole lines (O_APPEND, one write per batch of lines), each line one event:
 *
 *     {"v":1,"pid":4242,"type":"metrics","points":[["loss",0.25,100,1,"training",1718000000.5]]}
 *
 * The recorder reads it while the command runs (metrics and parameters reach the snapshots) and
 * once more at the end. The format, event by event, is documented in docs/python.md ("The
 * channel"), so any language can write it; ./recorder.ts maps each event onto the run API.
 */
import { closeSync, constants, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wellFormed } from '../base/well-formed.js';

/** The protocol version a line carries in `v`; lines of another version are skipped with a note. */
export const CHANNEL_VERSION = 1;

/** The environment variable naming the channel. */
export const CHANNEL_VARIABLE = 'REPROV_CHANNEL';

/** A line longer than this is not read (it is counted as malformed). */
const MAX_LINE = 8 * 1024 * 1024;
const CHUNK = 1024 * 1024;
const BATCH = 16 * CHUNK;

/** One event, as read: its fields are checked by whoever uses them. */
export interface ChannelEvent {
  v: number;
  pid: number;
  type: string;
  [field: string]: unknown;
}

export interface Channel {
  /** The temporary directory (removed by `close`). */
  readonly dir: string;
  /** The channel file. */
  readonly path: string;
  readonly reader: ChannelReader;
  /** Removes the directory and the file. */
  close(): void;
}

/** Creates an empty channel in a new private temporary directory. */
export function createChannel(parent = tmpdir()): Channel {
  const dir = mkdtempSync(join(parent, 'reprov-channel-'));
  const path = join(dir, 'channel.jsonl');
  writeFileSync(path, '', { mode: 0o600 });
  const reader = new ChannelReader(path);
  // Opened now, before the command starts: the program may later replace the name (with a link to
  // a file elsewhere); the recorder goes on reading the file it made, never what the name points to.
  reader.open();
  return {
    dir,
    path,
    reader,
    close() {
      reader.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Reads the complete lines appended to a channel file since the last read. */
export class ChannelReader {
  private fd: number | undefined;
  private offset = 0;
  private partial: Buffer[] = [];
  private partialLength = 0;
  private skipping = false;
  /** Lines that were not events of this protocol (malformed JSON, no type, another version). */
  malformed = 0;
  otherVersion = 0;
  /** Whether the last `read` left bytes that were already in the file unread. */
  more = false;

  constructor(readonly path: string) {}

  /** The events of the lines completed since the last call (a line still being written waits). */
  read(): ChannelEvent[] {
    const events: ChannelEvent[] = [];
    if (this.fd === undefined) {
      try {
        this.open();
      } catch {
        return events;
      }
    }
    if (this.fd === undefined) return events;
    const size = fstatSync(this.fd).size;
    const buffer = Buffer.allocUnsafe(CHUNK);
    // At most BATCH bytes a call: the caller asks again while `more` (a long channel is never all in memory).
    const end = Math.min(size, this.offset + BATCH);
    while (this.offset < end) {
      const n = readSync(this.fd, buffer, 0, Math.min(CHUNK, end - this.offset), this.offset);
      if (n <= 0) break;
      this.offset += n;
      this.take(buffer.subarray(0, n), events);
    }
    this.more = this.offset < size;
    return events;
  }

  /** Opens the file, not following a link (the channel is a plain file the recorder made). */
  open(): void {
    if (this.fd === undefined) this.fd = openSync(this.path, constants.O_RDONLY | constants.O_NOFOLLOW);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private take(chunk: Buffer, events: ChannelEvent[]): void {
    let start = 0;
    for (let end = chunk.indexOf(10, start); end >= 0; end = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, end);
      start = end + 1;
      if (this.skipping) {
        this.skipping = false;
        this.partial = [];
        this.partialLength = 0;
        continue;
      }
      const line = this.partialLength ? Buffer.concat([...this.partial, piece]) : piece;
      this.partial = [];
      this.partialLength = 0;
      const event = parseLine(line.toString('utf8'));
      if (event === 'malformed') this.malformed++;
      else if (event === 'version') this.otherVersion++;
      else if (event) events.push(event);
    }
    if (start < chunk.length && !this.skipping) {
      const rest = Buffer.from(chunk.subarray(start));
      this.partial.push(rest);
      this.partialLength += rest.length;
      if (this.partialLength > MAX_LINE) {
        // A line this long is skipped to its end.
        this.skipping = true;
        this.malformed++;
        this.partial = [];
        this.partialLength = 0;
      }
    }
  }
}

/** One line as an event; undefined for an empty line. */
export function parseLine(text: string): ChannelEvent | 'malformed' | 'version' | undefined {
  if (!text.trim()) return undefined;
  let value: unknown;
  try {
    // A `\ud800` escape makes a lone surrogate, which no IRI can hold (encodeURIComponent throws):
    // such strings get U+FFFD in its place. Checked first: the reviver costs, and is rarely needed.
    value = LONE_ESCAPE.test(text) ? JSON.parse(text, (_key, v: unknown) => (typeof v === 'string' ? wellFormed(v) : v)) : JSON.parse(text);
  } catch {
    return 'malformed';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'malformed';
  const event = value as Record<string, unknown>;
  if (typeof event.type !== 'string' || typeof event.pid !== 'number') return 'malformed';
  if (event.v !== CHANNEL_VERSION) return 'version';
  // No prototype tricks from a line: a plain copy of its own fields.
  return Object.assign(Object.create(null) as object, event) as ChannelEvent;
}

const LONE_ESCAPE = /\\u[dD][89a-fA-F]/;
