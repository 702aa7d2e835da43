/** The reference corpus of Debian's python3-prov: PROV-JSON documents and the PROV-O that ProvToolbox made of them. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CORPUS_DIR = '/usr/lib/python3/dist-packages/prov/tests';
export const corpusPresent = existsSync(join(CORPUS_DIR, 'json'));

/** CI installs the corpus: there its absence is a failure, not a reason to skip. */
export function requireCorpusOnCi(): void {
  if (!corpusPresent && process.env.CI) throw new Error(`${CORPUS_DIR} is missing: .ci/run must install python3-prov`);
}

export interface CorpusDocument {
  name: string;
  json: string;
  /** The reference RDF: TriG where the corpus has it (documents with bundles), else Turtle. */
  reference: { text: string; format: 'turtle' | 'trig' };
  /** Turtle reference, with bundles merged into one graph. */
  turtle: string;
}

export function corpusDocuments(): CorpusDocument[] {
  if (!corpusPresent) return [];
  return readdirSync(join(CORPUS_DIR, 'json')).filter((f) => f.endsWith('.json')).sort().map((file) => {
    const name = file.slice(0, -'.json'.length);
    const rdf = (ext: string) => join(CORPUS_DIR, 'rdf', `${name}.${ext}`);
    const turtle = readFileSync(rdf('ttl'), 'utf8');
    const reference = existsSync(rdf('trig'))
      ? { text: readFileSync(rdf('trig'), 'utf8'), format: 'trig' as const }
      : { text: turtle, format: 'turtle' as const };
    return { name, json: readFileSync(join(CORPUS_DIR, 'json', file), 'utf8'), reference, turtle };
  });
}

export const SHARED_YPROV4ML = new URL('../../../shared/fixtures/yprov4ml/', import.meta.url);
