import { DataFactory, type Quad, type Term } from 'n3';
import { focusName } from '../src/check/graph-query.js';
import { defineRule, finding, findings, notApplicable } from '../src/check/rule-kit.js';
import type { Finding } from '../src/check/types.js';
import { PROV } from '../src/prov/namespaces.js';
import { rdf } from '../src/prov/vocabulary.js';

const meta = {
  id: 'RPV-M001',
  title: 'Relations point at declared things',
  category: 'provenance',
  severity: 'warning',
  weight: 4,
  description: 'Every node a PROV relation points at is declared (has an rdf:type): the objects of prov:used, prov:wasGeneratedBy, prov:wasInformedBy, prov:wasAssociatedWith, prov:wasAttributedTo, prov:wasDerivedFrom (and its revision, quotation and primary-source forms), prov:wasStartedBy, prov:wasEndedBy, prov:wasInvalidatedBy and prov:actedOnBehalfOf, and the prov:entity, prov:activity and prov:agent of qualified influence nodes. One finding per undeclared node.',
  why: 'A relation to a node nothing describes is a dangling reference: usually a typo in an identifier, a record dropped on export, or a bundle cut out of a larger document. A reader cannot tell what the run used or who ran it, and PROV-JSON tools drop or reject such references.',
  fix: 'Declare the node (an entity, activity or agent record in PROV-JSON; `<node> a prov:Entity` in RDF) with what is known about it, or correct the identifier the relation uses.',
  example: {
    failing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/data/input/train.csv> ; prov:wasAssociatedWith <urn:r/agent/user> .\n<urn:r/agent/user> a prov:Agent, prov:Person .',
    passing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/data/input/train.csv> ; prov:wasAssociatedWith <urn:r/agent/user> .\n<urn:r/agent/user> a prov:Agent, prov:Person .\n<urn:r/data/input/train.csv> a prov:Entity, reprov:File ; prov:atLocation "data/train.csv" .',
  },
} as const;

const p = (local: string) => DataFactory.namedNode(PROV + local);
/** Relations whose object must be a declared element. */
const RELATIONS = [
  'used', 'wasGeneratedBy', 'wasInformedBy', 'wasAssociatedWith', 'wasAttributedTo', 'wasDerivedFrom',
  'wasRevisionOf', 'wasQuotedFrom', 'hadPrimarySource', 'wasStartedBy', 'wasEndedBy', 'wasInvalidatedBy', 'actedOnBehalfOf',
].map(p);
/** The properties of a qualified influence node that name the element it involves. */
const QUALIFIED_ENDS = ['entity', 'activity', 'agent'].map(p);

export default defineRule({
  meta,
  check(input) {
    const { store } = input;
    const targets = new Map<string, { node: Term; via: Quad[] }>();
    let relations = 0;
    for (const predicate of [...RELATIONS, ...QUALIFIED_ENDS]) {
      for (const q of store.getQuads(null, predicate, null, null)) {
        relations++;
        if (q.object.termType !== 'NamedNode' && q.object.termType !== 'BlankNode') continue; // a literal is not a node to declare
        const key = `${q.object.termType}:${q.object.value}`;
        const entry = targets.get(key);
        if (entry) entry.via.push(q);
        else targets.set(key, { node: q.object, via: [q] });
      }
    }
    if (!relations) return notApplicable('the bundle records no PROV relation');
    const out: Finding[] = [];
    for (const { node, via } of targets.values()) {
      if (store.matches(node, rdf.type, null, null)) continue;
      // Named only for what is reported: naming costs more than looking.
      const from = [...new Set(via.map((q) => `${focusName(input, q.subject)} ${focusName(input, q.predicate)}`))].sort();
      const shown = from.slice(0, 3).join(', ') + (from.length > 3 ? ` and ${from.length - 3} more` : '');
      out.push(finding(input, meta, node, `nothing declares this node (it has no rdf:type), yet ${shown} points at it: a dangling reference`));
    }
    return findings(out);
  },
});
