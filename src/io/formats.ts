/** The formats reprov reads and writes, and how they are recognised. */
export type Format = 'provjson' | 'turtle' | 'ntriples' | 'nquads' | 'trig' | 'jsonld';

export interface FormatInfo {
  format: Format;
  /** Names accepted by `-f/-t`. */
  names: readonly string[];
  extensions: readonly string[];
  mediaType: string;
  /** Whether the format can hold named graphs (PROV bundles). */
  namedGraphs: boolean;
}

export const FORMATS: readonly FormatInfo[] = [
  { format: 'provjson', names: ['provjson', 'prov-json', 'json'], extensions: ['.provjson', '.json'], mediaType: 'application/json', namedGraphs: true },
  { format: 'turtle', names: ['turtle', 'ttl'], extensions: ['.ttl'], mediaType: 'text/turtle', namedGraphs: false },
  { format: 'ntriples', names: ['ntriples', 'n-triples', 'nt'], extensions: ['.nt'], mediaType: 'application/n-triples', namedGraphs: false },
  { format: 'nquads', names: ['nquads', 'n-quads', 'nq'], extensions: ['.nq'], mediaType: 'application/n-quads', namedGraphs: true },
  { format: 'trig', names: ['trig'], extensions: ['.trig'], mediaType: 'application/trig', namedGraphs: true },
  { format: 'jsonld', names: ['jsonld', 'json-ld'], extensions: ['.jsonld'], mediaType: 'application/ld+json', namedGraphs: true },
];

export function formatInfo(format: Format): FormatInfo {
  return FORMATS.find((f) => f.format === format)!;
}

/** The format for a `-f/-t` name, or undefined. */
export function parseFormatName(name: string): Format | undefined {
  const lower = name.toLowerCase();
  return FORMATS.find((f) => f.names.includes(lower))?.format;
}

export function formatFromPath(path: string): Format | undefined {
  const lower = path.toLowerCase();
  return FORMATS.find((f) => f.extensions.some((ext) => lower.endsWith(ext)))?.format;
}

/**
 * Guesses the format of a text from its first characters: JSON that looks like JSON-LD
 * (`@context`, `@graph`, `@id`) is JSON-LD, other JSON is PROV-JSON; `@prefix`/`PREFIX` or a
 * `{` graph block is Turtle/TriG; lines of `<s> <p> <o> <g> .` are N-Quads.
 */
export function sniffFormat(text: string): Format {
  const head = text.slice(0, 4096).replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('{') || head.startsWith('[')) {
    return /"@(context|graph|id)"\s*:/.test(head) || head.startsWith('[') ? 'jsonld' : 'provjson';
  }
  const body = head.replace(/^#.*$/gm, '');
  if (/^\s*(@prefix|@base|PREFIX|BASE)\b/im.test(body)) return /^\s*(<[^>]*>|[\w-]*:[\w-]*|_:\w+)?\s*\{/m.test(body) ? 'trig' : 'turtle';
  const firstLine = body.split('\n').find((l) => l.trim() !== '') ?? '';
  if (/^\s*(<[^>]*>|_:\S+)\s+<[^>]*>\s+(<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:\^\^<[^>]*>|@[\w-]+)?)\s+(<[^>]*>|_:\S+)\s*\.\s*$/.test(firstLine)) return 'nquads';
  if (/^\s*(<[^>]*>|_:\S+)\s+<[^>]*>\s+.*\.\s*$/.test(firstLine)) return 'ntriples';
  return 'turtle';
}
