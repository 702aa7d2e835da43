/** Turtle, TriG, N-Triples and N-Quads text <-> quads, through n3. */
import type { TextSink } from '../base/output.js';
import { Lexer, Parser, Writer, type Quad } from 'n3';
import type { Diagnostics } from '../base/diagnostics.js';
import type { Format } from './formats.js';
import { PREDEFINED_PREFIXES } from '../prov/namespaces.js';

const N3_FORMATS: Partial<Record<Format, string>> = {
  turtle: 'Turtle',
  trig: 'TriG',
  ntriples: 'N-Triples',
  nquads: 'N-Quads',
};

/** Whether `format` is one of the RDF text formats read here (through n3). */
export function isRdfText(format: Format): boolean {
  return Object.hasOwn(N3_FORMATS, format);
}

/**
 * n3's lexer, made to stop the parse when the parser throws from inside a token callback. In
 * callback mode n3 tokenizes in a microtask, so a parser bug on odd input (`@prefix a: <ht\xfftp://x/> .`
 * dereferences an IRI it could not read) would be an uncaught exception: a raw stack and exit 1.
 * It is reported as the syntax error it is instead.
 */
function guardedLexer(lineMode: boolean, onCrash: (error: unknown) => void): Lexer {
  const lexer = new Lexer({ lineMode, n3: false } as never);
  type Tokenize = (input: unknown, callback?: (error: Error | null, token: unknown) => void) => unknown;
  const tokenize = (lexer.tokenize as unknown as Tokenize).bind(lexer);
  const guardedTokenize: Tokenize = (input, callback) => {
    if (typeof callback !== 'function') return tokenize(input);
    let crashed = false;
    return tokenize(input, (error, token) => {
      if (crashed) return;
      try {
        callback(error, token);
      } catch (thrown) {
        crashed = true;
        onCrash(thrown);
      }
    });
  };
  (lexer as unknown as { tokenize: Tokenize }).tokenize = guardedTokenize;
  return lexer;
}

function n3Parser(format: Format, onCrash?: (error: unknown) => void): Parser {
  if (!onCrash) return new Parser({ format: N3_FORMATS[format] });
  const lineMode = format === 'ntriples' || format === 'nquads';
  return new Parser({ format: N3_FORMATS[format], lexer: guardedLexer(lineMode, onCrash) } as never);
}

/**
 * Parses RDF text, handing each quad to `onQuad` as it is read; resolves with the declared
 * prefixes. Syntax errors are reported with `line:column`. n3 tokenizes a string one token at a
 * time when given a callback (its synchronous form first makes an array of every token): this is
 * the form for bundles, about twice as fast and a third of the memory on large input. `input` may
 * also come in pieces (io/read.ts readInputPieces), each ending at a line end: n3 reads them as a
 * stream, and the whole text is never held.
 */
export function streamRdfText(input: string | AsyncIterable<string>, format: Format, diagnostics: Diagnostics, onQuad: (quad: Quad) => void): Promise<Record<string, string>> {
  // No prototype: a prefix named `__proto__` or `constructor` is a key like any other.
  const prefixes: Record<string, string> = Object.create(null);
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      reject(error as Error);
    };
    // A parser crash (an n3 bug) is the input's fault: reported as a syntax error at the line n3 had reached.
    const crash = (error: unknown) => {
      if (settled) return;
      try {
        reportSyntaxError(crashError(error, parser), format, diagnostics);
        settled = true;
        resolve(prefixes);
      } catch (thrown) {
        fail(thrown);
      }
    };
    const parser = n3Parser(format, crash);
    const pieces = typeof input === 'string' ? undefined : new TextPieces();
    // n3 calls back from its own loop: what the callback throws (a strict Diagnostics error) must become a rejection.
    parser.parse((pieces ?? input) as string, (error, quad) => {
      if (settled) return;
      try {
        if (quad) return onQuad(quad);
        if (error) reportSyntaxError(error, format, diagnostics);
        settled = true;
        resolve(prefixes);
      } catch (thrown) {
        fail(thrown);
      }
    }, (prefix, iri) => void (prefixes[prefix] = iri.value));
    if (pieces) pieces.pump(input as AsyncIterable<string>, () => settled).catch(fail);
  });
}

/** The stream n3's lexer reads (it listens for `data` and `end`), fed from an iterable of text. */
class TextPieces {
  private readonly listeners = new Map<string, (data?: string) => void>();

  on(event: string, listener: (data?: string) => void): this {
    this.listeners.set(event, listener);
    return this;
  }

  /** Hands each piece to the lexer (which parses it at once) until the input ends or `stop()`. */
  async pump(input: AsyncIterable<string>, stop: () => boolean): Promise<void> {
    for await (const piece of input) {
      if (stop()) return;
      this.listeners.get('data')!(piece);
    }
    if (!stop()) this.listeners.get('end')!();
  }
}

/** Parses small RDF text (shapes, a JSON-LD document's N-Quads) at once. Syntax errors are reported with `line:column`. */
export function parseRdfText(text: string, format: Format, diagnostics: Diagnostics): { quads: Quad[]; prefixes: Record<string, string> } {
  const prefixes: Record<string, string> = Object.create(null);
  const parser = n3Parser(format);
  try {
    // Without an onQuad callback n3 parses synchronously, returns the quads and throws on error.
    const quads = parser.parse(text, null, (prefix, iri) => void (prefixes[prefix] = iri.value));
    return { quads, prefixes };
  } catch (error) {
    reportSyntaxError(crashError(error, parser), format, diagnostics);
    return { quads: [], prefixes };
  }
}

/** n3's own syntax errors carry a context; anything else it threw is a crash on input it did not expect. */
function crashError(error: unknown, parser: Parser): Error {
  if (error instanceof Error && (error as Error & { context?: unknown }).context) return error;
  const line = (parser as unknown as { _lexer?: { _line?: number } })._lexer?._line ?? 1;
  return Object.assign(new Error(`unreadable input on line ${line}`), { context: { line } });
}

function reportSyntaxError(error: Error, format: Format, diagnostics: Diagnostics): void {
  const { message, context } = error as Error & { context?: { line?: number; token?: { start?: number } } };
  const line = context?.line ?? Number(/line (\d+)/.exec(message)?.[1] ?? 1);
  const column = (context?.token?.start ?? 0) + 1;
  const problem = message.replace(/\s*on line \d+\.?$/, '').replace(/\.$/, '');
  diagnostics.error(`${line}:${column}`, `invalid ${N3_FORMATS[format]}: ${problem}`);
}


/** Bytes of output handed to the sink at a time. */
const CHUNK_BYTES = 1 << 20;
/** Characters of statements joined before they are encoded. */
const PENDING_CHARS = 16 << 10;

/**
 * Streams quads into RDF text. Quads about the same subject should arrive together so Turtle
 * and TriG can group them (the PROV-JSON reader emits them that way).
 *
 * n3's writer hands over a short string per statement. They are joined 16k characters at a time
 * and encoded as UTF-8 into a buffer, handed to the sink when full: a megabyte string joined by `+=`
 * had to be flattened before it was encoded (a fifth of the CPU of a streamed 100k-entity
 * conversion), and encoding each statement on its own cost a call per statement (10k entities:
 * 347 -> 332 ms with the joining; bench/convert.mjs).
 */
export class RdfTextWriter {
  private readonly writer: Writer;
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private pending = '';

  constructor(format: Format, prefixes: Record<string, string>, private readonly sink: TextSink) {
    const output = {
      write: (text: string) => this.write(text),
      end: (done?: () => void) => done?.(),
    };
    const lineBased = format === 'ntriples' || format === 'nquads';
    this.writer = new Writer(output as never, { format: N3_FORMATS[format], prefixes: lineBased ? undefined : { ...PREDEFINED_PREFIXES, ...prefixes }, end: false } as never);
  }

  add(quad: Quad): void {
    this.writer.addQuad(quad);
  }

  /** {@link add} for a quad in parts: no Quad object is made only to be taken apart. */
  addQuad(subject: Quad['subject'], predicate: Quad['predicate'], object: Quad['object'], graph: Quad['graph']): void {
    this.writer.addQuad(subject, predicate, object, graph);
  }

  /** Declares prefixes from here on (Turtle and TriG allow a prefix anywhere between statements). */
  addPrefixes(prefixes: Record<string, string>): void {
    if (Object.keys(prefixes).length) this.writer.addPrefixes(prefixes);
  }

  async end(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.writer.end((error) => (error ? reject(error) : resolve())));
    this.encodePending();
    this.flush();
  }

  private write(text: string): void {
    this.pending += text;
    if (this.pending.length >= PENDING_CHARS) this.encodePending();
  }

  private encodePending(): void {
    const text = this.pending;
    this.pending = '';
    // A UTF-16 code unit is at most 3 bytes of UTF-8 (a surrogate pair, two units, is 4).
    if (this.used + text.length * 3 > CHUNK_BYTES) {
      this.flush();
      if (text.length * 3 > CHUNK_BYTES) return this.sink.write(text);
    }
    this.used += this.chunk.write(text, this.used);
  }

  private flush(): void {
    if (!this.used) return;
    // The sink may keep what it is given (standard output writes later): the next bytes go to a new buffer.
    this.sink.write(this.chunk.subarray(0, this.used));
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
  }
}

export type { TextSink };
