import { DataFactory, type Term } from 'n3';
import type { GraphStore as Store } from '../src/check/bundle-store.js';
import { focusName } from '../src/check/graph-query.js';
import { defineRule, finding, findings, notApplicable } from '../src/check/rule-kit.js';
import type { Finding } from '../src/check/types.js';
import { PROV } from '../src/prov/namespaces.js';
import { prov } from '../src/prov/vocabulary.js';
import { instant } from './RPV-M002.js';

const meta = {
  id: 'RPV-M003',
  title: 'Nothing is used before it is generated',
  category: 'provenance',
  severity: 'error',
  weight: 6,
  description: 'No entity is used before it was generated. The time of use is a qualified usage\'s prov:atTime; an unqualified prov:used happened at some time while the activity ran, so it is a finding when the entity was generated after the activity ended. The generation time is prov:generatedAtTime or a qualified generation\'s prov:atTime (the earliest). Times are compared as instants across time zones.',
  why: 'A run cannot read a model, dataset or checkpoint that did not exist yet. When the bundle says it did, its times are wrong (a skewed clock, local times without a zone) or it links the wrong entity, e.g. a later checkpoint written under the same identifier as the one the run really loaded. Either way a rerun would start from the wrong input.',
  fix: 'Give each version of a file its own entity (reprov names outputs by content hash and role), record times in UTC with a time zone, and check the recording machine\'s clock; for a converted bundle, check the usage and generation times it carries.',
  example: {
    failing: '<urn:r/prepare> a prov:Activity ; prov:startedAtTime "2024-05-01T10:00:00Z"^^xsd:dateTime ; prov:endedAtTime "2024-05-01T11:00:00Z"^^xsd:dateTime .\n<urn:r/data/clean.csv> a prov:Entity, reprov:File ; prov:wasGeneratedBy <urn:r/prepare> ; prov:generatedAtTime "2024-05-01T11:00:00Z"^^xsd:dateTime .\n<urn:r/run> a prov:Activity, mls:Run ; prov:qualifiedUsage [ a prov:Usage ; prov:entity <urn:r/data/clean.csv> ; prov:atTime "2024-05-01T10:30:00Z"^^xsd:dateTime ] .',
    passing: '<urn:r/prepare> a prov:Activity ; prov:startedAtTime "2024-05-01T10:00:00Z"^^xsd:dateTime ; prov:endedAtTime "2024-05-01T11:00:00Z"^^xsd:dateTime .\n<urn:r/data/clean.csv> a prov:Entity, reprov:File ; prov:wasGeneratedBy <urn:r/prepare> ; prov:generatedAtTime "2024-05-01T11:00:00Z"^^xsd:dateTime .\n<urn:r/run> a prov:Activity, mls:Run ; prov:qualifiedUsage [ a prov:Usage ; prov:entity <urn:r/data/clean.csv> ; prov:atTime "2024-05-01T11:30:00Z"^^xsd:dateTime ] .',
  },
} as const;

const p = (local: string) => DataFactory.namedNode(PROV + local);
const QUALIFIED_USAGE = p('qualifiedUsage');
const QUALIFIED_GENERATION = p('qualifiedGeneration');
const ENTITY = p('entity');
const AT_TIME = p('atTime');

interface Stamp { text: string; at: number }
const key = (t: Term) => `${t.termType}:${t.value}`;

function stamps(terms: Term[]): Stamp[] {
  return terms.flatMap((t) => {
    const at = t.termType === 'Literal' ? instant(t.value) : undefined;
    return at === undefined ? [] : [{ text: t.value, at }];
  });
}
const earliest = (list: Stamp[]) => list.reduce<Stamp | undefined>((a, b) => (!a || b.at < a.at ? b : a), undefined);
const latest = (list: Stamp[]) => list.reduce<Stamp | undefined>((a, b) => (!a || b.at > a.at ? b : a), undefined);
const objectsOf = (store: Store, s: Term, predicate: Term) => store.getQuads(s, predicate, null, null).map((q) => q.object);

/** When `entity` was generated (the earliest recorded time), if recorded. */
function generationTime(store: Store, entity: Term): Stamp | undefined {
  return earliest(stamps([
    ...objectsOf(store, entity, prov.generatedAtTime),
    ...objectsOf(store, entity, QUALIFIED_GENERATION).flatMap((g) => objectsOf(store, g, AT_TIME)),
  ]));
}

export default defineRule({
  meta,
  check(input) {
    const { store } = input;
    let compared = 0;
    const out: Finding[] = [];
    const generation = new Map<string, Stamp | undefined>();
    const generated = (entity: Term) => {
      if (!generation.has(key(entity))) generation.set(key(entity), generationTime(store, entity));
      return generation.get(key(entity));
    };
    const judge = (activity: Term, entity: Term, use: Stamp, how: string) => {
      const made = generated(entity);
      if (!made) return;
      compared++;
      if (use.at < made.at) out.push(finding(input, meta, entity, `${focusName(input, activity)} ${how} ${use.text}, but the entity was generated at ${made.text}`));
    };

    // Qualified usages carry their own time; the earliest use per activity and entity decides.
    const timed = new Set<string>();
    const uses = new Map<string, { activity: Term; entity: Term; times: Stamp[] }>();
    for (const q of store.getQuads(null, QUALIFIED_USAGE, null, null)) {
      const times = stamps(objectsOf(store, q.object, AT_TIME));
      if (!times.length) continue;
      for (const entity of objectsOf(store, q.object, ENTITY)) {
        const pair = `${key(q.subject)} ${key(entity)}`;
        timed.add(pair);
        const entry = uses.get(pair) ?? { activity: q.subject, entity, times: [] };
        entry.times.push(...times);
        uses.set(pair, entry);
      }
    }
    for (const { activity, entity, times } of uses.values()) judge(activity, entity, earliest(times)!, 'used it at');

    // An unqualified use happened while the activity ran: certainly too early only if the entity was generated after the activity ended.
    for (const q of store.getQuads(null, prov.used, null, null)) {
      if (timed.has(`${key(q.subject)} ${key(q.object)}`)) continue;
      const ended = latest(stamps(objectsOf(store, q.subject, prov.endedAtTime)));
      if (ended) judge(q.subject, q.object, ended, 'used it and ended at');
    }

    if (!compared) return notApplicable('no used entity has both a recorded generation time and a time of use (or an end time of the activity that used it)');
    return findings(out);
  },
});
