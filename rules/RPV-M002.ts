import { DataFactory, type Term } from 'n3';
import type { GraphStore as Store } from '../src/check/bundle-store.js';
import { defineRule, finding, findings, notApplicable } from '../src/check/rule-kit.js';
import type { Finding } from '../src/check/types.js';
import { PROV } from '../src/prov/namespaces.js';
import { prov } from '../src/prov/vocabulary.js';

const meta = {
  id: 'RPV-M002',
  title: 'No activity ends before it starts',
  category: 'provenance',
  severity: 'error',
  weight: 6,
  description: 'No activity has a prov:endedAtTime (or qualified end time) earlier than its prov:startedAtTime (or qualified start time). Times are compared as instants, so the same moment written in different time zones is equal; a time without a zone is taken as UTC.',
  why: 'An activity that ends before it starts means the clock of the recording machine jumped, times were written in local time without a zone, or records of two runs were mixed up. Durations, energy per second and the order of what the run used and produced cannot be trusted then.',
  fix: 'Record times as xsd:dateTime with a time zone (reprov writes UTC); check the recording machine\'s clock (NTP) and, for a merged or converted bundle, that start and end belong to the same activity.',
  example: {
    failing: '<urn:r/run> a prov:Activity, mls:Run ; prov:startedAtTime "2024-05-01T12:00:00Z"^^xsd:dateTime ; prov:endedAtTime "2024-05-01T13:30:00+02:00"^^xsd:dateTime .',
    passing: '<urn:r/run> a prov:Activity, mls:Run ; prov:startedAtTime "2024-05-01T12:00:00Z"^^xsd:dateTime ; prov:endedAtTime "2024-05-01T15:30:00+02:00"^^xsd:dateTime .',
  },
} as const;

const XSD_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}:\d{2})?$/;

/**
 * An xsd:dateTime (or xsd:date) as milliseconds since the epoch, fractions kept; a value without
 * a time zone is taken as UTC. Undefined when the text is not such a time.
 */
export function instant(text: string): number | undefined {
  const m = XSD_TIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = 'Z'] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || Number(mi) > 59 || Number(s) > 60) return undefined;
  const date = new Date(Date.UTC(2000, month - 1, day, hour, Number(mi), Number(s)));
  date.setUTCFullYear(Number(y), month - 1, day);
  let ms = date.getTime();
  if (Number.isNaN(ms)) return undefined;
  if (fraction) ms += Number(`0${fraction}`) * 1000;
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  return ms;
}

const p = (local: string) => DataFactory.namedNode(PROV + local);
const QUALIFIED_START = p('qualifiedStart');
const QUALIFIED_END = p('qualifiedEnd');
const AT_TIME = p('atTime');

interface Stamp { text: string; at: number }

/** The times `node` records by `direct` or through a qualified influence `qualified` [ prov:atTime ]. */
function times(store: Store, node: Term, direct: Term, qualified: Term): Stamp[] {
  const literals = [
    ...store.getQuads(node, direct, null, null).map((q) => q.object),
    ...store.getQuads(node, qualified, null, null).flatMap((q) => store.getQuads(q.object, AT_TIME, null, null).map((t) => t.object)),
  ];
  return literals.flatMap((l) => {
    const at = l.termType === 'Literal' ? instant(l.value) : undefined;
    return at === undefined ? [] : [{ text: l.value, at }];
  });
}

export default defineRule({
  meta,
  check(input) {
    const { store } = input;
    const activities = new Map<string, Term>();
    for (const predicate of [prov.startedAtTime, QUALIFIED_START]) {
      for (const q of store.getQuads(null, predicate, null, null)) activities.set(`${q.subject.termType}:${q.subject.value}`, q.subject);
    }
    let compared = 0;
    const out: Finding[] = [];
    for (const activity of activities.values()) {
      const starts = times(store, activity, prov.startedAtTime, QUALIFIED_START);
      const ends = times(store, activity, prov.endedAtTime, QUALIFIED_END);
      if (!starts.length || !ends.length) continue;
      compared++;
      // With several recorded times, only a certain contradiction counts: the latest end before the earliest start.
      const start = starts.reduce((a, b) => (b.at < a.at ? b : a));
      const end = ends.reduce((a, b) => (b.at > a.at ? b : a));
      if (end.at < start.at) {
        out.push(finding(input, meta, activity, `the activity ends (${end.text}) ${formatGap(start.at - end.at)} before it starts (${start.text})`));
      }
    }
    if (!compared) return notApplicable('no activity records both a start and an end time');
    return findings(out);
  },
});

function formatGap(ms: number): string {
  if (ms < 1000) return `${Math.round(ms * 1000) / 1000} ms`;
  const s = ms / 1000;
  if (s < 120) return `${Math.round(s * 10) / 10} s`;
  if (s < 7200) return `${Math.round(s / 6) / 10} min`;
  return `${Math.round(s / 360) / 10} h`;
}
