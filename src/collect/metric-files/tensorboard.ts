/**
 * TensorBoard event files (`events.out.tfevents.*`): TFRecord framing (tfrecord.ts) around `Event`
 * protobufs decoded with protobufjs from the descriptor in event-proto.ts. Scalars come in two
 * encodings, both read:
 *  - `Summary.Value.simple_value` (TF1 `tf.summary.scalar`, torch `add_scalar`, tensorboardX);
 *  - `Summary.Value.tensor`, a one-element float tensor (TF2 `tf.summary.scalar` and Keras, which
 *    store it in `tensor_content`; torch `add_scalar(new_style=True)`, which stores `float_val`, or
 *    `double_val` with `double_precision=True`), DT_FLOAT, DT_DOUBLE, DT_HALF or DT_BFLOAT16.
 * A tensor whose plugin is not `scalars` (text, histograms, images, hparams, ...) or that holds
 * more than one element is not a scalar: counted, not read. Histograms, images and audio likewise.
 *
 * Name and context: a tag's leading phase word (`train/loss`, `eval/loss`, `val_acc`) gives the
 * context and is removed from the name; otherwise the event file's directory (`logs/validation`,
 * `runs/x/mae_train`, see context.ts); otherwise `training`. Step is the event's step, timestamp
 * its wall time.
 */
import { basename, dirname } from 'node:path';
import { requireOnUse } from '../../base/require-on-use.js';
import type * as Protobuf from 'protobufjs/light.js';
import { phaseOfDirectory, splitPhasePrefix } from './context.js';
import { DT_BFLOAT16, DT_DOUBLE, DT_FLOAT, DT_HALF, EVENT_PROTO_JSON } from './event-proto.js';
import { PointSink } from './tally.js';
import { readRecords } from './tfrecord.js';
import type { MetricFileResult } from './types.js';

let eventType: Protobuf.Type | undefined;

/** The `tensorboard.Event` message type (protobufjs is loaded on first use). */
export function eventMessageType(): Protobuf.Type {
  if (!eventType) {
    const protobuf = requireOnUse('protobufjs/light.js') as typeof Protobuf;
    eventType = protobuf.Root.fromJSON(EVENT_PROTO_JSON as unknown as Protobuf.INamespace).lookupType('tensorboard.Event');
  }
  return eventType;
}

interface TensorObject {
  dtype?: number;
  tensorShape?: { dim?: { size?: number }[]; unknownRank?: boolean };
  tensorContent?: Uint8Array;
  halfVal?: number[];
  floatVal?: number[];
  doubleVal?: number[];
}

interface ValueObject {
  tag?: string;
  nodeName?: string;
  metadata?: { pluginData?: { pluginName?: string } };
  value?: string;
  simpleValue?: number;
  tensor?: TensorObject;
}

interface EventObject {
  wallTime?: number;
  step?: number;
  what?: string;
  fileVersion?: string;
  summary?: { value?: ValueObject[] };
}

export async function readTensorBoard(path: string): Promise<MetricFileResult> {
  const sink = new PointSink();
  const type = eventMessageType();
  const directoryPhase = phaseOfDirectory(basename(dirname(path)));
  let events = 0;
  let undecodable = 0;
  let version: string | undefined;
  const end = await readRecords(path, (data) => {
    let event: EventObject;
    try {
      event = type.toObject(type.decode(data), { longs: Number, oneofs: true }) as EventObject;
    } catch {
      undecodable++;
      return true;
    }
    events++;
    if (event.what === 'fileVersion') version ??= event.fileVersion;
    if (event.what !== 'summary' || !event.summary?.value) return true;
    // proto3 leaves a zero step off the wire: an event without one is at step 0.
    const rawStep = event.step ?? 0;
    const step = Number.isSafeInteger(rawStep) && rawStep >= 0 ? rawStep : undefined;
    const timestamp = typeof event.wallTime === 'number' && Number.isFinite(event.wallTime) && event.wallTime > 0 ? Math.round(event.wallTime * 1000) : undefined;
    for (const value of event.summary.value) {
      const scalar = scalarOf(value, sink);
      if (scalar === undefined) continue;
      const tag = value.tag || value.nodeName || '';
      const split = splitPhasePrefix(tag, directoryPhase ?? 'training');
      const added = sink.add({ name: split.name, value: scalar, context: split.context, ...(step !== undefined ? { step } : {}), ...(timestamp !== undefined ? { timestamp } : {}) });
      if (!added) return false;
    }
    return true;
  });
  if (undecodable) sink.note(`${undecodable} records are not Event protobufs: skipped`);
  if (end.kind !== 'end') sink.note(`${end.kind === 'truncated' ? 'truncated' : 'corrupt'} at byte ${end.offset}: ${end.problem}; reading stopped there`);
  if (events && version === undefined) sink.note('no file_version event: perhaps not a TensorBoard event file');
  return sink.finish(`event file${version ? ` (${version})` : ''}: ${sink.points.length} scalar points from ${events} events`);
}

/** The scalar a summary value holds, or undefined (counted in `sink` when it is something else). */
function scalarOf(value: ValueObject, sink: PointSink): number | undefined {
  const tag = value.tag ?? '';
  switch (value.value) {
    case 'simpleValue':
      return value.simpleValue ?? 0;
    case 'tensor': {
      const plugin = value.metadata?.pluginData?.pluginName;
      if (plugin && plugin !== 'scalars') {
        sink.skip(`values of the ${plugin.slice(0, 40)} plugin`, tag);
        return undefined;
      }
      const scalar = tensorScalar(value.tensor ?? {});
      if (scalar === undefined) sink.skip('tensors that are not one floating-point number', tag);
      return scalar;
    }
    case 'histo':
    case 'obsoleteOldStyleHistogram':
      sink.skip('histograms', tag);
      return undefined;
    case 'image':
    case 'audio':
      sink.skip(`${value.value}s`, tag);
      return undefined;
    default:
      sink.skip('values with no content', tag);
      return undefined;
  }
}

/** The one number of a one-element floating-point tensor. */
export function tensorScalar(tensor: TensorObject): number | undefined {
  const dims = tensor.tensorShape?.dim ?? [];
  if (tensor.tensorShape?.unknownRank || dims.some((d) => (d.size ?? 0) !== 1)) return undefined;
  const content = tensor.tensorContent && tensor.tensorContent.length ? Buffer.from(tensor.tensorContent.buffer, tensor.tensorContent.byteOffset, tensor.tensorContent.byteLength) : undefined;
  switch (tensor.dtype) {
    case DT_FLOAT:
      if (content) return content.length === 4 ? content.readFloatLE(0) : undefined;
      return tensor.floatVal?.length === 1 ? tensor.floatVal[0] : undefined;
    case DT_DOUBLE:
      if (content) return content.length === 8 ? content.readDoubleLE(0) : undefined;
      return tensor.doubleVal?.length === 1 ? tensor.doubleVal[0] : undefined;
    case DT_HALF:
    case DT_BFLOAT16: {
      const bits = content ? (content.length === 2 ? content.readUInt16LE(0) : undefined) : tensor.halfVal?.length === 1 ? tensor.halfVal[0]! & 0xffff : undefined;
      if (bits === undefined) return undefined;
      return tensor.dtype === DT_HALF ? halfToNumber(bits) : bfloat16ToNumber(bits);
    }
    default:
      return undefined;
  }
}

/** IEEE 754 binary16 bits as a number. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** bfloat16 bits (the high half of a float32) as a number. */
function bfloat16ToNumber(bits: number): number {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(bits << 16 >>> 0, 0);
  return buffer.readFloatLE(0);
}
