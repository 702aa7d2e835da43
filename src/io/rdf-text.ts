/** Turtle, TriG, N-Triples and N-Quads text <-> quads, through n3. */
import type { TextSink } from '../base/output.js';
import { Parser, Writer, type Quad } from 'n3';
import type { Diagnostics } from '../base/diagnostics.js';
import type { Format } from './formats.js';
import { PREDEFINED_PREFIXES } from '../prov/namespaces.js';

const N3_FORMATS: Partial<Record<Format, string>> = {
  turtle: 'Turtle',
  trig: 'TriG',
  ntriples: 'N-Triples',
  nquads: 'N-Quads',
};

/**
 * Parses RDF text, handing each quad to `onQuad` as it is read; resolves with the declared
 * prefixes. Syntax errors are reported with `line:column`. n3 tokenizes a string one token at a
 * time when given a callback (its synchronous form first makes an array of every token): this is
 * the form for bundles, about twice as fast and a third of the memory on large input.
 */
export function streamRdfText(text: string, format: Format, diagnostics: Diagnostics, onQuad: (quad: Quad) => void): Promise<Record<string, string>> {
  const prefixes: Record<string, string> = {};
  return new Promise((resolve, reject) => {
    // n3 calls back from its own loop: what the callback throws (a strict Diagnostics error) must become a rejection.
    new Parser({ format: N3_FORMATS[format] }).parse(text, (error, quad) => {
      try {
        if (quad) return onQuad(quad);
        if (error) reportSyntaxError(error, format, diagnostics);
        resolve(prefixes);
      } catch (thrown) {
        reject(thrown as Error);
      }
    }, (prefix, iri) => void (prefixes[prefix] = iri.value));
  });
}

/** Parses small RDF text (shapes, a JSON-LD document's N-Quads) at once. Syntax errors are reported with `line:column`. */
export function parseRdfText(text: string, format: Format, diagnostics: Diagnostics): { quads: Quad[]; prefixes: Record<string, string> } {
  const prefixes: Record<string, string> = {};
  try {
    // Without an onQuad callback n3 parses synchronously, returns the quads and throws on error.
    const quads = new Parser({ format: N3_FORMATS[format] }).parse(text, null, (prefix, iri) => void (prefixes[prefix] = iri.value));
    return { quads, prefixes };
  } catch (error) {
    reportSyntaxError(error as Error, format, diagnostics);
    return { quads: [], prefixes };
  }
}

function reportSyntaxError(error: Error, format: Format, diagnostics: Diagnostics): void {
  const { message, context } = error as Error & { context?: { line?: number; token?: { start?: number } } };
  const line = context?.line ?? Number(/line (\d+)/.exec(message)?.[1] ?? 1);
  const column = (context?.token?.start ?? 0) + 1;
  const problem = message.replace(/\s*on line \d+\.?$/, '').replace(/\.$/, '');
  diagnostics.error(`${line}:${column}`, `invalid ${N3_FORMATS[format]}: ${problem}`);
}


const FLUSH_AT = 1 << 20;

/**
 * Streams quads into RDF text. Quads about the same subject should arrive together so Turtle
 * and TriG can group them (the PROV-JSON reader emits them that way).
 */
export class RdfTextWriter {
  private readonly writer: Writer;
  private buffer = '';

  constructor(format: Format, prefixes: Record<string, string>, private readonly sink: TextSink) {
    const buffered = {
      write: (chunk: string) => {
        this.buffer += chunk;
        if (this.buffer.length > FLUSH_AT) this.flush();
      },
      end: (done?: () => void) => done?.(),
    };
    const lineBased = format === 'ntriples' || format === 'nquads';
    this.writer = new Writer(buffered as never, { format: N3_FORMATS[format], prefixes: lineBased ? undefined : { ...PREDEFINED_PREFIXES, ...prefixes }, end: false } as never);
  }

  add(quad: Quad): void {
    this.writer.addQuad(quad);
  }

  async end(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.writer.end((error) => (error ? reject(error) : resolve())));
    this.flush();
  }

  private flush(): void {
    if (this.buffer) this.sink.write(this.buffer);
    this.buffer = '';
  }
}

export type { TextSink };
