/**
 * PROV-JSON file -> RDF text, streamed: the file is tokenized in chunks by stream-json, each
 * record (one entry of a section: a small object) is materialised alone, converted by the same
 * record code as the whole-document reader (prov/from-prov-json.ts) and written at once, so
 * memory stays flat whatever the document's size. A record is one subject block, so Turtle's
 * grouping by subject follows the document's own.
 *
 * Kept from the whole-document path: numbers as written (stream-json hands their text), the
 * schema (each record is checked alone by its section's validator, any other member inside a
 * skeleton of its path, so errors keep their JSON pointer), merged duplicate keys inside a record.
 * A syntax error or invalid UTF-8 is reported by re-reading the file with the whole-document
 * reader, which names its line and column.
 * Records that come before the "prefix" they are read with wait for it (or for the end of their
 * document or bundle); a bundle's prefixes are declared to the writer when its "prefix" is read.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { DataFactory, type Quad_Graph } from 'n3';
import { jsonParser } from 'stream-json/core/parser.js';
import { getManyValues, isMany, none } from 'stream-chain/defs.js';
import { Diagnostics, jsonPointer } from '../base/diagnostics.js';
import { addDeclaredPrefixes, ProvJsonRecords, type FromProvJsonOptions, type SectionSpec, type StatementSink } from '../prov/from-prov-json.js';
import type { NamespaceScope } from '../prov/namespace-scope.js';
import { checkProvJsonRecord, checkProvJsonSchema } from '../prov/schema.js';
import { formatInfo, type Format } from './formats.js';
import { MAX_DEPTH, exactOrMarked, parseJsonText } from './json-text.js';
import { decodeUtf8, refuseEmpty } from './read.js';
import { RdfTextWriter, type TextSink } from './rdf-text.js';
import { BundlesNeedNamedGraphs } from './write.js';

export interface StreamProvJsonOptions extends FromProvJsonOptions {
  to: Format;
  /** Name used in messages (default: the path). */
  file?: string;
  mergeBundles?: boolean;
}

type Token = { name: string; value?: unknown };
type Container = Record<string, unknown> | unknown[];

/** Builds one JSON value from tokens: objects without prototype, duplicate keys merged as json-text.ts does. */
class ValueBuilder {
  private readonly stack: Container[] = [];
  private readonly keys: (string | undefined)[] = [];
  private key: string | undefined;
  value: unknown;

  constructor(private readonly path: string[], private readonly onDuplicate: (pointer: string, merged: boolean) => void) {}

  /** Takes a token; true when the value is complete. */
  take(token: Token): boolean {
    switch (token.name) {
      case 'keyValue':
        this.key = token.value as string;
        return false;
      case 'startObject':
      case 'startArray':
        if (this.path.length + this.stack.length >= MAX_DEPTH) throw new NestingTooDeep();
        this.keys.push(this.key);
        // An ordinary object while it is built, its prototype removed when it ends: V8 keeps an
        // object made by Object.create(null) as a slow hash table, and every later read of it pays.
        this.stack.push(this.place(token.name === 'startObject' ? {} : []) as Container);
        this.key = undefined;
        return false;
      case 'endObject':
        Object.setPrototypeOf(this.stack.pop(), null);
        this.key = this.keys.pop();
        return this.stack.length === 0;
      case 'endArray':
        this.stack.pop();
        this.key = this.keys.pop();
        return this.stack.length === 0;
      case 'numberValue':
        this.place(exactOrMarked(token.value as string));
        return this.stack.length === 0;
      default:
        this.place(token.value);
        return this.stack.length === 0;
    }
  }

  private place(value: unknown): unknown {
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) return (this.value = value);
    if (Array.isArray(parent)) {
      parent.push(value);
      return value;
    }
    const name = this.key!;
    if (Object.hasOwn(parent, name)) {
      const existing = parent[name];
      const merged = isObject(existing) && isObject(value);
      this.onDuplicate(jsonPointer(...this.path, ...this.where(), name), merged);
      if (merged) return existing;
    }
    // `__proto__` is a key like any other (assigned, it would set the prototype of the object being built).
    if (name === '__proto__') Object.defineProperty(parent, name, { value, writable: true, enumerable: true, configurable: true });
    else parent[name] = value;
    return value;
  }

  /** The keys and indexes from the value's root to the container being built. */
  private where(): string[] {
    const where: string[] = [];
    for (let i = 1; i < this.stack.length; i++) {
      const parent = this.stack[i - 1]!;
      where.push(Array.isArray(parent) ? String(parent.length - 1) : this.keys[i]!);
    }
    return where;
  }
}

class NestingTooDeep extends Error {}

/**
 * `{ [key]: value }` without a prototype. A literal with a computed key would give V8 a new
 * hidden class for each record identifier: a million of them cost seconds.
 */
function member(key: string, value: unknown): Record<string, unknown> {
  const object: Record<string, unknown> = Object.create(null);
  object[key] = value;
  return object;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where the tokens are in the document's structure. */
type Frame =
  | { kind: 'document'; seen: Set<string> }
  | { kind: 'bundles'; seen: Set<string> }
  | { kind: 'bundle'; bundle: Bundle; seen: Set<string> }
  | { kind: 'section'; spec: SectionSpec; at: string[]; bundle?: Bundle }
  | { kind: 'skip'; depth: number };

interface Bundle {
  id: string;
  at: string[];
  ready: boolean;
  waiting: (() => void)[];
  scope?: NamespaceScope;
  graph?: Quad_Graph;
}

/**
 * Converts the PROV-JSON file at `path` to `options.to` (N-Triples, N-Quads, Turtle or TriG),
 * writing to `sink` as it reads. Throws ProvInputError on the first problem (there is no lenient
 * mode here: the whole-document path converts leniently).
 */
export async function streamProvJsonFile(path: string, sink: TextSink, options: StreamProvJsonOptions): Promise<Diagnostics> {
  const file = options.file ?? path;
  const diagnostics = new Diagnostics(file, false);
  const records = new ProvJsonRecords(emitTo, diagnostics, options);
  const namedGraphs = formatInfo(options.to).namedGraphs;
  const prefixes: Record<string, string> = Object.create(null);
  let writer: RdfTextWriter | undefined;
  let merge = false;
  const defaultGraph = DataFactory.defaultGraph();
  function emitTo(...[subject, predicate, object, graph]: Parameters<StatementSink>): void {
    writer!.addQuad(subject, predicate, object, merge ? defaultGraph : graph);
  }
  const duplicate = (pointer: string, merged: boolean) => diagnostics.warn(pointer, `duplicate key: ${merged ? 'the two objects are merged' : 'this value replaces the first'}`);
  const validate = (skeleton: unknown) => checkProvJsonSchema(skeleton, diagnostics);

  // The document's scope, once its "prefix" is read (or the document ends without one).
  let rootScope: NamespaceScope | undefined;
  const rootWaiting: (() => void)[] = [];
  const whenRoot = (work: () => void) => (rootScope ? work() : rootWaiting.push(work));
  const rootReady = (declared: unknown) => {
    rootScope = records.scope(declared, [], undefined);
    addDeclaredPrefixes(prefixes, declared, options.namespaceBase);
    writer = new RdfTextWriter(options.to, prefixes, sink);
    for (const work of rootWaiting.splice(0)) work();
  };
  const bundleReady = (bundle: Bundle, declared: unknown) => {
    bundle.ready = true;
    whenRoot(() => {
      bundle.scope = records.scope(declared, bundle.at, rootScope);
      writer!.addPrefixes(addDeclaredPrefixes(prefixes, declared, options.namespaceBase));
      bundle.graph = records.bundleGraph(bundle.id, bundle.at, bundle.scope);
      for (const work of bundle.waiting.splice(0)) work();
    });
  };
  const whenBundle = (bundle: Bundle, work: () => void) => (bundle.ready ? whenRoot(work) : bundle.waiting.push(work));

  const frames: Frame[] = [];
  let builder: ValueBuilder | undefined;
  let onValue: ((value: unknown) => void) | undefined;
  let key: string | undefined;
  let bundleCount = 0;
  const build = (at: string[], then: (value: unknown) => void) => {
    builder = new ValueBuilder(at, duplicate);
    onValue = then;
  };

  const take = (token: Token): void => {
    if (builder) {
      if (builder.take(token)) {
        const { value } = builder;
        builder = undefined;
        onValue!(value);
      }
      return;
    }
    const frame = frames[frames.length - 1];
    if (!frame) {
      if (token.name !== 'startObject') return failFromWholeDocument(path, file, diagnostics, 'a PROV-JSON document must be a JSON object');
      frames.push({ kind: 'document', seen: new Set() });
      return;
    }
    if (frame.kind === 'skip') {
      if (token.name === 'startObject' || token.name === 'startArray') frame.depth++;
      else if (token.name === 'endObject' || token.name === 'endArray') frame.depth--;
      if (frame.depth === 0) frames.pop();
      return;
    }
    if (token.name === 'keyValue') {
      key = token.value as string;
      // Kept apart by the stream where the whole-document reader merges them: the graph is the same.
      if (frame.kind !== 'section') {
        if (frame.seen.has(key)) duplicate(jsonPointer(...(frame.kind === 'bundle' ? frame.bundle.at : frame.kind === 'bundles' ? ['bundle'] : []), key), true);
        frame.seen.add(key);
      }
      return;
    }
    if (token.name === 'endObject') {
      frames.pop();
      if (frame.kind === 'document' && !rootScope) rootReady(undefined);
      if (frame.kind === 'bundle' && !frame.bundle.ready) bundleReady(frame.bundle, undefined);
      if (frame.kind === 'bundles' && !namedGraphs && !options.mergeBundles && bundleCount) throw new BundlesNeedNamedGraphs(options.to, bundleCount);
      return;
    }
    const name = key!;
    const opensObject = token.name === 'startObject';
    switch (frame.kind) {
      case 'document':
      case 'bundle': {
        const bundle = frame.kind === 'bundle' ? frame.bundle : undefined;
        const at = bundle ? [...bundle.at, name] : [name];
        const wrap = (value: unknown) => (bundle ? member('bundle', member(bundle.id, member(name, value))) : member(name, value));
        if (name === 'prefix') {
          // Records already converted were read with the first: a second one cannot apply to them.
          if (bundle ? bundle.ready : rootScope) return diagnostics.error(jsonPointer(...at), 'a second "prefix" member');
          return startValue(token, at, (declared) => {
            validate(wrap(declared));
            if (bundle) bundleReady(bundle, declared);
            else rootReady(declared);
          });
        }
        if (name === 'bundle' && !bundle && opensObject) {
          frames.push({ kind: 'bundles', seen: new Set() });
          return;
        }
        const spec = name === 'bundle' || !opensObject ? undefined : records.sectionSpec(name);
        if (spec) {
          frames.push({ kind: 'section', spec, at, bundle });
          return;
        }
        // Anything else is an error the schema (or the converter) names.
        return startValue(token, at, (value) => {
          validate(wrap(value));
          const whole = bundle ? undefined : member(name, value);
          if (whole) whenRoot(() => records.container(whole, [], rootScope!, DataFactory.defaultGraph(), true));
        });
      }
      case 'bundles': {
        bundleCount++;
        if (!namedGraphs && !options.mergeBundles) {
          // Refused at the end of the section, with the count; its content is never converted.
          frames.push({ kind: 'skip', depth: 0 });
          return take(token);
        }
        merge = !namedGraphs;
        if (!opensObject) return startValue(token, ['bundle', name], (value) => validate(member('bundle', member(name, value))));
        frames.push({ kind: 'bundle', bundle: { id: name, at: ['bundle', name], ready: false, waiting: [] }, seen: new Set() });
        return;
      }
      case 'section': {
        const { spec, at, bundle } = frame;
        return startValue(token, [...at, name], (body) => {
          checkProvJsonRecord(at[at.length - 1]!, name, body, at, diagnostics);
          if (bundle) whenBundle(bundle, () => bundle.graph && records.record(spec, name, body, at, bundle.scope!, bundle.graph));
          else whenRoot(() => records.record(spec, name, body, at, rootScope!, DataFactory.defaultGraph()));
        });
      }
    }
  };
  const startValue = (token: Token, at: string[], then: (value: unknown) => void) => {
    build(at, then);
    take(token);
  };

  // Packed tokens only: a key, string or number is one token with its whole text.
  const parse = jsonParser({ streamValues: false }) as unknown as (text: string | typeof none) => unknown;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const feed = (tokens: unknown) => {
    if (tokens === none) return;
    if (isMany(tokens)) for (const token of getManyValues(tokens) as Token[]) take(token);
    else take(tokens as Token);
  };
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) feed(parse(decoder.decode(chunk as Buffer, { stream: true })));
    const rest = decoder.decode();
    if (rest) feed(parse(rest));
    feed(parse(none));
  } catch (error) {
    // The whole-document reader names a syntax error or invalid UTF-8 with its line and column.
    if (error instanceof NestingTooDeep || isSyntaxOrEncoding(error)) failFromWholeDocument(path, file, diagnostics, 'invalid JSON');
    throw error;
  }
  if (frames.length || !writer) failFromWholeDocument(path, file, diagnostics, 'invalid JSON: unexpected end of input');
  await writer!.end();
  return diagnostics;
}

function isSyntaxOrEncoding(error: unknown): boolean {
  return (error instanceof Error && /^Parser /.test(error.message)) || (error as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA';
}

/**
 * Reads the file whole and reports its first problem as the whole-document path does (invalid
 * UTF-8, a syntax error with line and column, a schema violation), else `problem`. Never returns.
 */
function failFromWholeDocument(path: string, file: string, diagnostics: Diagnostics, problem: string): never {
  const text = decodeUtf8(readFileSync(path), file);
  refuseEmpty(text, file);
  const doc = parseJsonText(text, diagnostics);
  checkProvJsonSchema(doc, diagnostics);
  diagnostics.error('', problem);
  // Unreachable: the diagnostics are strict, so error() threw.
  throw new Error(problem);
}
