/**
 * Where reprov's SPARQL runs: the embedded engine over the bundles read (./query.ts) or a SPARQL
 * 1.1 server (./endpoint.ts). Both answer a query text in a media type; what reprov does with
 * the answer (tables, lineage, runs) is written once, here and in its callers, for both.
 */
import { UserError } from '../base/user-error.js';

/** The answer formats reprov asks a source for. */
export const MEDIA = {
  json: 'application/sparql-results+json',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  ntriples: 'application/n-triples',
  turtle: 'text/turtle',
  jsonld: 'application/ld+json',
} as const;
export type Media = keyof typeof MEDIA;

export interface SparqlSource {
  /** What is queried, for messages: the embedded store, or the endpoint's URL without credentials. */
  readonly name: string;
  /**
   * The answer to a query (its PREFIX lines already added), as the engine or server writes it in
   * `media`. A remote source throws a UserError naming the endpoint; the embedded engine throws
   * its own error for a query it refuses (the caller gives it the user's position).
   */
  run(query: string, media: Media): Promise<string>;
}

export interface SparqlTerm { type: 'uri' | 'literal' | 'bnode' | 'triple'; value: string; datatype?: string; 'xml:lang'?: string }
export type Binding = Record<string, SparqlTerm | undefined>;
export interface SparqlJson { head: { vars?: string[] }; boolean?: boolean; results?: { bindings: Binding[] } }

/** Virtuoso answers ASK as a one-row SELECT of this variable (1 or 0). */
const VIRTUOSO_ASK = '__ASK_RETVAL';

/**
 * SPARQL 1.1 JSON results, the same whichever source wrote them: SPARQL 1.0's `typed-literal`
 * is a literal with a datatype, and Virtuoso's ASK-as-SELECT is a boolean. Throws UserError for
 * an answer that is not SPARQL JSON results.
 */
export function parseResults(body: string, source: SparqlSource, ask: boolean): SparqlJson {
  let parsed: SparqlJson;
  try {
    parsed = JSON.parse(body) as SparqlJson;
  } catch {
    parsed = undefined as unknown as SparqlJson;
  }
  if (typeof parsed?.boolean === 'boolean') return { head: {}, boolean: parsed.boolean };
  const bindings = parsed?.results?.bindings;
  const vars = parsed?.head?.vars ?? [];
  // Every binding an object of terms, each with a string value: a server's answer is read as input is.
  const wellFormed = Array.isArray(bindings) && Array.isArray(vars) && vars.every((v) => typeof v === 'string')
    && bindings.every((b) => isObject(b) && Object.values(b).every((term) => isObject(term) && typeof term.value === 'string' && typeof term.type === 'string'));
  if (!wellFormed) throw new UserError(`${source.name}: the answer is not SPARQL JSON results (${JSON.stringify(body.slice(0, 60))})`);
  if (ask && vars.length === 1 && vars[0] === VIRTUOSO_ASK) {
    const value = bindings[0]?.[VIRTUOSO_ASK]?.value;
    return { head: {}, boolean: value === '1' || value === 'true' };
  }
  const terms = bindings.map((binding) => Object.fromEntries(Object.entries(binding).map(([name, term]) => {
    const type = (term?.type as string) === 'typed-literal' ? 'literal' : term?.type;
    return [name, { ...term, type } as SparqlTerm];
  })));
  return { head: { vars }, results: { bindings: terms } };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The rows of a SELECT. */
export async function select(source: SparqlSource, query: string): Promise<Binding[]> {
  return parseResults(await source.run(query, 'json'), source, false).results?.bindings ?? [];
}
