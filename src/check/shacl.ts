/**
 * SHACL validation with shacl-engine: the shapes of every rule (and the user's) are compiled into
 * one Validator per process, then run once per bundle. Each result is traced back to its rule
 * through the shape it came from: rule shapes are named `<https://w3id.org/reprov/shapes#RULE-ID>`.
 *
 * SHACL reports only on focus nodes, so a bundle in which no shape's target can select a node
 * (a bundle with no code state and no container for the shipped shapes) is not validated, and
 * shacl-engine is not even loaded: its loading and compiling were ~55 ms of a ~10k-triple check
 * whose validation takes ~5 ms (issue 16). Targets other than class, subjects-of and objects-of
 * are always validated.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Term } from '@rdfjs/types';
import { DataFactory, Parser, Store, type Quad } from 'n3';
import type { Validator } from 'shacl-engine';
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
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const RDFS_SUBCLASS_OF = 'http://www.w3.org/2000/01/rdf-schema#subClassOf';
const CLASSES = new Set(['http://www.w3.org/2000/01/rdf-schema#Class', 'http://www.w3.org/2002/07/owl#Class']);
/** Targets whose focus nodes are found by a term in the data: sh:targetClass C (an rdf:type C), sh:targetSubjectsOf / sh:targetObjectsOf P (a P). */
const TARGET_CLASS = `${SH}targetClass`;
const TARGET_BY_PREDICATE = new Set([`${SH}targetSubjectsOf`, `${SH}targetObjectsOf`]);
const SEVERITY: Record<string, ShaclViolation['severity']> = { [`${SH}Violation`]: 'error', [`${SH}Warning`]: 'warning', [`${SH}Info`]: 'info' };

export class ShapeSet {
  /** The shapes' quads; into an n3 Store only for a bundle that is validated. */
  private readonly quads: Quad[] = [];
  private validator?: Validator;
  /** Each anonymous (property) shape's named ancestor shape (known once the shapes are compiled). */
  private readonly owner = new Map<string, string>();
  /** What a focus node needs in the data: one of these classes, or one of these predicates; `always` for any other target. */
  private readonly targets = { classes: new Set<string>(), predicates: new Set<string>(), always: false };

  /** @param files Turtle files of shapes, relative to the package's shapes/ directory or absolute. */
  constructor(files: readonly string[]) {
    const { quads, targets } = this;
    for (const file of files) {
      const path = isAbsolute(file) ? file : join(PACKAGE_ROOT, 'shapes', file);
      for (const q of new Parser({ baseIRI: SHAPES_NS }).parse(readFileSync(path, 'utf8'))) quads.push(q);
    }
    for (const q of quads) {
      const predicate = q.predicate.value;
      if (predicate === TARGET_CLASS) targets.classes.add(q.object.value);
      else if (TARGET_BY_PREDICATE.has(predicate)) targets.predicates.add(q.object.value);
      // sh:targetNode, SHACL-AF's sh:target, a shape that is also a class (an implicit class target).
      else if (predicate.startsWith(`${SH}target`) || (predicate === RDF_TYPE && CLASSES.has(q.object.value))) targets.always = true;
    }
  }

  /** Whether some shape may select a focus node in `data`; false only when none can. */
  private mayTarget(data: BundleStore): boolean {
    const { classes, predicates, always } = this.targets;
    if (always) return true;
    const some = (predicate: string, object?: string) => data.readQuads(null, DataFactory.namedNode(predicate), object === undefined ? null : DataFactory.namedNode(object), null).next().done === false;
    // A subclass declared in the data makes its instances instances of the target class too.
    if (classes.size && some(RDFS_SUBCLASS_OF)) return true;
    for (const c of classes) if (some(RDF_TYPE, c)) return true;
    for (const p of predicates) if (some(p)) return true;
    return false;
  }

  async validate(data: BundleStore): Promise<ShaclViolation[]> {
    if (!this.mayTarget(data)) return [];
    if (!this.validator) {
      const { Validator } = await import('shacl-engine');
      const store = new Store(this.quads);
      for (const q of store.getQuads(null, null, null, null)) {
        if (q.object.termType === 'BlankNode' && q.predicate.value.startsWith(SH)) this.owner.set(q.object.value, q.subject.value);
      }
      this.validator = new Validator(store, { factory: DataFactory });
    }
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
