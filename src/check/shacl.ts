/**
 * SHACL validation with shacl-engine: the shapes of every rule (and the user's) are compiled into
 * one Validator per process, then run once per bundle. Each result is traced back to its rule
 * through the shape it came from: rule shapes are named `<https://w3id.org/reprov/shapes#RULE-ID>`.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Term } from '@rdfjs/types';
import { DataFactory, Parser, Store } from 'n3';
import { Validator } from 'shacl-engine';
import { PACKAGE_ROOT } from '../base/package-root.js';
import type { BundleStore } from './bundle-store.js';

export const SHAPES_NS = 'https://w3id.org/reprov/shapes#';

export interface ShaclViolation {
  /** Rule id from the shape's IRI, or the shape IRI itself for a user's shape. */
  shape: string;
  focus: Term;
  message: string;
  severity: 'error' | 'warning' | 'info';
}

const SH = 'http://www.w3.org/ns/shacl#';
const SEVERITY: Record<string, ShaclViolation['severity']> = { [`${SH}Violation`]: 'error', [`${SH}Warning`]: 'warning', [`${SH}Info`]: 'info' };

export class ShapeSet {
  private readonly validator: Validator;
  /** Each anonymous (property) shape's named ancestor shape. */
  private readonly owner = new Map<string, string>();

  /** @param files Turtle files of shapes, relative to the package's shapes/ directory or absolute. */
  constructor(files: readonly string[]) {
    const store = new Store();
    for (const file of files) {
      const path = isAbsolute(file) ? file : join(PACKAGE_ROOT, 'shapes', file);
      store.addQuads(new Parser({ baseIRI: SHAPES_NS }).parse(readFileSync(path, 'utf8')));
    }
    for (const q of store.getQuads(null, null, null, null)) {
      if (q.object.termType === 'BlankNode' && q.predicate.value.startsWith(SH)) this.owner.set(q.object.value, q.subject.value);
    }
    this.validator = new Validator(store, { factory: DataFactory });
  }

  async validate(data: BundleStore): Promise<ShaclViolation[]> {
    const report = await this.validator.validate({ dataset: data.asDataset() });
    return report.results.map((result) => {
      const shape = this.namedShape(result.shape.ptr.term);
      const focus = result.focusNode && 'term' in result.focusNode ? result.focusNode.term : result.focusNode;
      return {
        shape: shape.startsWith(SHAPES_NS) ? shape.slice(SHAPES_NS.length) : shape,
        focus: focus!,
        message: result.message[0]?.value ?? 'does not conform to its shape',
        severity: SEVERITY[result.severity?.value ?? ''] ?? 'error',
      };
    });
  }

  private namedShape(term: Term): string {
    let id = term.value;
    for (let seen = 0; term.termType === 'BlankNode' && this.owner.has(id) && seen < 32; seen++) {
      id = this.owner.get(id)!;
      if (!this.owner.has(id)) break;
    }
    return id;
  }
}
