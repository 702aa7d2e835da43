/**
 * Rules from the user's SHACL shapes (the configuration's `shapes`): each node shape named by an IRI
 * becomes a rule, so that its validation results are findings, scored like the built-in rules.
 * A shape describes its rule with SHACL and reprov annotations:
 *
 *   id        the local name of the shape's IRI (after `#` or the last `/`)
 *   title     sh:name, else rdfs:label, else the id
 *   severity  sh:severity (sh:Violation error, sh:Warning warning, sh:Info info); default error
 *   category  reprov:category (randomness, determinism, data, …); default provenance
 *   weight    reprov:weight; default USER_SHAPE_WEIGHT
 *   text      sh:description or rdfs:comment (what it checks), reprov:fix (how to fix a finding)
 */
import { readFileSync } from 'node:fs';
import { Store, type Term } from 'n3';
import { Diagnostics } from '../base/diagnostics.js';
import { parseRdfText } from '../io/rdf-text.js';
import { UserError } from '../base/user-error.js';
import { finding, findings } from './rule-kit.js';
import { CATEGORIES, type Category, type Rule, type RuleMeta, type Severity } from './types.js';

const SH = 'http://www.w3.org/ns/shacl#';
const REPROV = 'https://w3id.org/reprov#';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const RDFS = 'http://www.w3.org/2000/01/rdf-schema#';
const SEVERITY: Record<string, Severity> = { [`${SH}Violation`]: 'error', [`${SH}Warning`]: 'warning', [`${SH}Info`]: 'info' };

export const USER_SHAPE_WEIGHT = 5;

/** The rules of the node shapes in `files` (absolute paths of Turtle files). Throws a UserError naming the file and place of a problem. */
export function userShapeRules(files: readonly string[]): Rule[] {
  return files.flatMap((file) => {
    const { quads } = parseRdfText(readFileSync(file, 'utf8'), 'turtle', new Diagnostics(file, false));
    const store = new Store(quads);
    const value = (subject: Term, ...predicates: string[]) =>
      predicates.map((p) => store.getObjects(subject, p, null)[0]?.value).find((v) => v !== undefined);
    return store.getSubjects(RDF_TYPE, `${SH}NodeShape`, null).filter((s) => s.termType === 'NamedNode').map((shape) => {
      const problem = (message: string) => new UserError(`${file}: shape <${shape.value}>: ${message}`);
      const category = value(shape, `${REPROV}category`) ?? 'provenance';
      if (!(CATEGORIES as readonly string[]).includes(category)) throw problem(`reprov:category '${category}' is not one of ${CATEGORIES.join(', ')}`);
      const weight = Number(value(shape, `${REPROV}weight`) ?? USER_SHAPE_WEIGHT);
      if (!Number.isFinite(weight) || weight < 0) throw problem('reprov:weight must be a number from 0');
      const id = shape.value.replace(/^.*[#/]/, '') || shape.value;
      const meta: RuleMeta = {
        id,
        title: value(shape, `${SH}name`, `${RDFS}label`) ?? id,
        category: category as Category,
        severity: SEVERITY[value(shape, `${SH}severity`) ?? ''] ?? 'error',
        weight,
        description: value(shape, `${SH}description`, `${RDFS}comment`) ?? `Conforms to the SHACL shape <${shape.value}>.`,
        why: `A project rule, from ${file}.`,
        fix: value(shape, `${REPROV}fix`) ?? `Make the bundle conform to <${shape.value}>.`,
        shape: file,
        // The shape file is the documentation of a project rule; `reprov explain` shows built-in rules only.
        example: { failing: '', passing: '' },
      };
      return {
        meta,
        check: (input) => findings(input.violations.filter((v) => v.shape === shape.value).map((v) => finding(input, meta, v.focus as Term, v.message))),
      } satisfies Rule;
    });
  });
}
