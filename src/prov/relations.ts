/**
 * The PROV-JSON record kinds and how each maps onto PROV-O. This table is the single source of
 * truth for both directions of the conversion and for docs/mapping.md.
 */
import { PROV } from './namespaces.js';

export type ElementKind = 'entity' | 'activity' | 'agent';

export interface ElementSpec {
  kind: ElementKind;
  /** PROV-O class of the record. */
  class: string;
  /** Attribute -> PROV-O property for the element's own formal attributes. */
  formal: Readonly<Record<string, string>>;
  /** PROV-O classes that imply this element kind when found in RDF. */
  subclasses: readonly string[];
}

export const ELEMENTS: readonly ElementSpec[] = [
  {
    kind: 'entity',
    class: `${PROV}Entity`,
    formal: {},
    subclasses: ['Plan', 'Collection', 'EmptyCollection', 'Bundle'].map((n) => PROV + n),
  },
  {
    kind: 'activity',
    class: `${PROV}Activity`,
    formal: { 'prov:startTime': `${PROV}startedAtTime`, 'prov:endTime': `${PROV}endedAtTime` },
    subclasses: [],
  },
  {
    kind: 'agent',
    class: `${PROV}Agent`,
    formal: {},
    subclasses: ['Person', 'Organization', 'SoftwareAgent'].map((n) => PROV + n),
  },
];

export type RelationKind =
  | 'wasGeneratedBy' | 'used' | 'wasInformedBy' | 'wasStartedBy' | 'wasEndedBy'
  | 'wasInvalidatedBy' | 'wasDerivedFrom' | 'wasAttributedTo' | 'wasAssociatedWith'
  | 'actedOnBehalfOf' | 'wasInfluencedBy' | 'specializationOf' | 'alternateOf'
  | 'hadMember' | 'mentionOf';

export interface FormalAttribute {
  /** PROV-JSON attribute name, e.g. `prov:entity`. */
  name: string;
  /** PROV-O property on the qualified influence node. */
  property: string;
  /** Whether the value is a time (xsd:dateTime) rather than an identifier. */
  time?: boolean;
}

export interface RelationSpec {
  kind: RelationKind;
  /** Formal attribute naming the subject of the unqualified triple. */
  subject: string;
  /** Formal attribute naming the object of the unqualified triple. */
  object: string;
  /** Unqualified PROV-O property: `subject property object`. */
  property: string;
  /**
   * Qualification pattern (PROV-O section 3.3): the class of the influence node, and the
   * property linking the subject to it. Absent for relations PROV-O does not qualify.
   */
  qualified?: { class: string; property: string };
  /** The formal attributes other than `subject`, as they appear on the influence node. */
  formal: readonly FormalAttribute[];
  /** Whether `object` may hold several identifiers (hadMember). */
  multipleObjects?: boolean;
}

const p = (local: string) => PROV + local;
const attr = (name: string, property: string, time = false): FormalAttribute =>
  time ? { name, property: p(property), time } : { name, property: p(property) };
const qualified = (cls: string) => ({ class: p(cls), property: p(`qualified${cls}`) });
const TIME = attr('prov:time', 'atTime', true);

export const RELATIONS: readonly RelationSpec[] = [
  {
    kind: 'wasGeneratedBy', subject: 'prov:entity', object: 'prov:activity',
    property: p('wasGeneratedBy'), qualified: qualified('Generation'),
    formal: [attr('prov:activity', 'activity'), TIME],
  },
  {
    kind: 'used', subject: 'prov:activity', object: 'prov:entity',
    property: p('used'), qualified: qualified('Usage'),
    formal: [attr('prov:entity', 'entity'), TIME],
  },
  {
    kind: 'wasInformedBy', subject: 'prov:informed', object: 'prov:informant',
    property: p('wasInformedBy'), qualified: qualified('Communication'),
    formal: [attr('prov:informant', 'activity')],
  },
  {
    kind: 'wasStartedBy', subject: 'prov:activity', object: 'prov:trigger',
    property: p('wasStartedBy'), qualified: qualified('Start'),
    formal: [attr('prov:trigger', 'entity'), attr('prov:starter', 'hadActivity'), TIME],
  },
  {
    kind: 'wasEndedBy', subject: 'prov:activity', object: 'prov:trigger',
    property: p('wasEndedBy'), qualified: qualified('End'),
    formal: [attr('prov:trigger', 'entity'), attr('prov:ender', 'hadActivity'), TIME],
  },
  {
    kind: 'wasInvalidatedBy', subject: 'prov:entity', object: 'prov:activity',
    property: p('wasInvalidatedBy'), qualified: qualified('Invalidation'),
    formal: [attr('prov:activity', 'activity'), TIME],
  },
  {
    kind: 'wasDerivedFrom', subject: 'prov:generatedEntity', object: 'prov:usedEntity',
    property: p('wasDerivedFrom'), qualified: qualified('Derivation'),
    formal: [
      attr('prov:usedEntity', 'entity'), attr('prov:activity', 'hadActivity'),
      attr('prov:generation', 'hadGeneration'), attr('prov:usage', 'hadUsage'),
    ],
  },
  {
    kind: 'wasAttributedTo', subject: 'prov:entity', object: 'prov:agent',
    property: p('wasAttributedTo'), qualified: qualified('Attribution'),
    formal: [attr('prov:agent', 'agent')],
  },
  {
    kind: 'wasAssociatedWith', subject: 'prov:activity', object: 'prov:agent',
    property: p('wasAssociatedWith'), qualified: qualified('Association'),
    formal: [attr('prov:agent', 'agent'), attr('prov:plan', 'hadPlan')],
  },
  {
    kind: 'actedOnBehalfOf', subject: 'prov:delegate', object: 'prov:responsible',
    property: p('actedOnBehalfOf'), qualified: qualified('Delegation'),
    formal: [attr('prov:responsible', 'agent'), attr('prov:activity', 'hadActivity')],
  },
  {
    kind: 'wasInfluencedBy', subject: 'prov:influencee', object: 'prov:influencer',
    property: p('wasInfluencedBy'), qualified: qualified('Influence'),
    formal: [attr('prov:influencer', 'influencer')],
  },
  {
    kind: 'specializationOf', subject: 'prov:specificEntity', object: 'prov:generalEntity',
    property: p('specializationOf'), formal: [attr('prov:generalEntity', 'specializationOf')],
  },
  {
    kind: 'alternateOf', subject: 'prov:alternate1', object: 'prov:alternate2',
    property: p('alternateOf'), formal: [attr('prov:alternate2', 'alternateOf')],
  },
  {
    kind: 'hadMember', subject: 'prov:collection', object: 'prov:entity',
    property: p('hadMember'), formal: [attr('prov:entity', 'hadMember')], multipleObjects: true,
  },
  {
    kind: 'mentionOf', subject: 'prov:specificEntity', object: 'prov:generalEntity',
    property: p('mentionOf'),
    formal: [attr('prov:generalEntity', 'mentionOf'), attr('prov:bundle', 'asInBundle')],
  },
];

/**
 * Subtypes of derivation (PROV-DM 5.2.2): a `prov:type` of prov:Revision, prov:Quotation or
 * prov:PrimarySource turns the Derivation node into that class, linked by its own qualified
 * property, with its own unqualified shortcut.
 */
export const DERIVATION_SUBTYPES: Readonly<Record<string, { qualified: string; property: string }>> = {
  [p('Revision')]: { qualified: p('qualifiedRevision'), property: p('wasRevisionOf') },
  [p('Quotation')]: { qualified: p('qualifiedQuotation'), property: p('wasQuotedFrom') },
  [p('PrimarySource')]: { qualified: p('qualifiedPrimarySource'), property: p('hadPrimarySource') },
};

/** Generic PROV-JSON attributes with a PROV-O property of their own. */
export const GENERIC_ATTRIBUTES: Readonly<Record<string, string>> = {
  'prov:label': 'http://www.w3.org/2000/01/rdf-schema#label',
  'prov:location': p('atLocation'),
  'prov:role': p('hadRole'),
  'prov:value': p('value'),
  'prov:type': 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type',
};

export const RELATION_BY_KIND: ReadonlyMap<string, RelationSpec> = new Map(RELATIONS.map((r) => [r.kind, r]));
export const ELEMENT_BY_KIND: ReadonlyMap<string, ElementSpec> = new Map(ELEMENTS.map((e) => [e.kind, e]));
