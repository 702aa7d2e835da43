/**
 * TFRecord framing, as TensorFlow's `RecordWriter` and tensorboard's `EventFileWriter` write it:
 *
 *   uint64 length (little-endian) | uint32 masked_crc32c(length bytes) | data[length] | uint32 masked_crc32c(data)
 *
 * with `masked(crc) = ((crc >>> 15) | (crc << 17)) + 0xa282ead8` (mod 2^32) over CRC-32C
 * (Castagnoli). Records are read one at a time from a file handle, so a large event file
 * (histograms, images) never sits in memory whole.
 */
import { open } from 'node:fs/promises';

/** A record longer than this is taken for corruption (TensorBoard's images are a few MB). */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli, reflected polynomial 0x82f63b78) of `bytes`. */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The masked CRC TFRecord stores. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** One record as TFRecord frames it (for tests and tools that write event files). */
export function frameRecord(data: Uint8Array): Buffer {
  const header = Buffer.alloc(12);
  header.writeBigUInt64LE(BigInt(data.length), 0);
  header.writeUInt32LE(maskedCrc32c(header.subarray(0, 8)), 8);
  const footer = Buffer.alloc(4);
  footer.writeUInt32LE(maskedCrc32c(data), 0);
  return Buffer.concat([header, data, footer]);
}

export type RecordEnd =
  | { kind: 'end' }
  | { kind: 'truncated'; offset: number; problem: string }
  | { kind: 'corrupt'; offset: number; problem: string };

/**
 * Calls `each` with every record's data, in order, until the end of the file, a truncated record
 * (a file still being written ends in one), a record whose CRC does not match, or `each` returning
 * false. Says how reading ended.
 */
export async function readRecords(path: string, each: (data: Buffer, index: number) => boolean): Promise<RecordEnd> {
  const handle = await open(path, 'r');
  try {
    const header = Buffer.alloc(12);
    const footer = Buffer.alloc(4);
    let offset = 0;
    for (let index = 0; ; index++) {
      const got = (await handle.read(header, 0, 12, offset)).bytesRead;
      if (got === 0) return { kind: 'end' };
      if (got < 12) return { kind: 'truncated', offset, problem: `record ${index} ends inside its 12-byte header` };
      if (header.readUInt32LE(8) !== maskedCrc32c(header.subarray(0, 8))) return { kind: 'corrupt', offset, problem: `record ${index}: the length's CRC does not match` };
      const length = header.readBigUInt64LE(0);
      if (length > BigInt(MAX_RECORD_BYTES)) return { kind: 'corrupt', offset, problem: `record ${index} claims ${length} bytes, more than the ${MAX_RECORD_BYTES} read` };
      const data = Buffer.alloc(Number(length));
      const gotData = data.length ? (await handle.read(data, 0, data.length, offset + 12)).bytesRead : 0;
      const gotFooter = (await handle.read(footer, 0, 4, offset + 12 + data.length)).bytesRead;
      if (gotData < data.length || gotFooter < 4) return { kind: 'truncated', offset, problem: `record ${index} ends before its ${data.length} bytes and CRC` };
      if (footer.readUInt32LE(0) !== maskedCrc32c(data)) return { kind: 'corrupt', offset, problem: `record ${index}: the data's CRC does not match` };
      if (!each(data, index)) return { kind: 'end' };
      offset += 12 + data.length + 4;
    }
  } finally {
    await handle.close();
  }
}
