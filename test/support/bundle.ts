/** Reading a written bundle back for assertions. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser, type Quad } from 'n3';

export interface Bundle {
  quads: Quad[];
  /** Objects of `subject predicate ?o`, by IRI suffixes (`run`, `https://w3id.org/reprov#status`). */
  values(subjectSuffix: string, predicate: string): string[];
  /** Subjects typed with `type`. */
  subjectsOfType(type: string): string[];
}

export function readBundle(dir: string): Bundle {
  const quads = new Parser().parse(readFileSync(join(dir, 'prov.ttl'), 'utf8'));
  return {
    quads,
    values: (subjectSuffix, predicate) =>
      quads.filter((q) => q.subject.value.endsWith(`/${subjectSuffix}`) && q.predicate.value === predicate).map((q) => q.object.value),
    subjectsOfType: (type) => quads.filter((q) => q.predicate.value.endsWith('#type') && q.object.value === type).map((q) => q.subject.value),
  };
}

export const REPROV = 'https://w3id.org/reprov#';
export const PROV = 'http://www.w3.org/ns/prov#';
