/**
 * An independent reading of a PROV-JSON document as a set of statements, for comparing two
 * documents that say the same thing differently: qualified names resolved to IRIs, plain strings
 * and xsd:string equal, records under one id merged, blank relation ids ignored.
 */
const PREDEFINED: Record<string, string> = {
  prov: 'http://www.w3.org/ns/prov#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
};
/** Relations PROV-O cannot identify: their ids do not survive RDF. */
const UNIDENTIFIABLE = new Set(['specializationOf', 'alternateOf', 'hadMember', 'mentionOf']);
const REFERENCE_ATTRIBUTES = new Set([
  'prov:entity', 'prov:activity', 'prov:agent', 'prov:informed', 'prov:informant', 'prov:trigger',
  'prov:starter', 'prov:ender', 'prov:generatedEntity', 'prov:usedEntity', 'prov:generation',
  'prov:usage', 'prov:plan', 'prov:delegate', 'prov:responsible', 'prov:influencee', 'prov:influencer',
  'prov:specificEntity', 'prov:generalEntity', 'prov:alternate1', 'prov:alternate2', 'prov:collection', 'prov:bundle',
]);

type Json = Record<string, unknown>;

function scopeOf(container: Json, parent: Record<string, string>): Record<string, string> {
  const scope = { ...parent };
  for (const [prefix, iri] of Object.entries((container.prefix as Record<string, string>) ?? {})) {
    scope[prefix] = /^[A-Za-z][\w+.-]*:/.test(iri) ? iri : `urn:reprov:ns:${encodeURIComponent(iri)}:`;
  }
  return scope;
}

/** Characters an IRI cannot hold are percent-encoded in identifiers (docs/mapping.md). */
const encode = (local: string) => local.replace(/[\u0000-\u0020<>"{}|\\^`]/g, encodeURIComponent);

function resolve(name: string, scope: Record<string, string>): string {
  if (name.startsWith('_:')) return name;
  const colon = name.indexOf(':');
  if (colon === -1) return (scope.default ?? '') + encode(name);
  const ns = scope[name.slice(0, colon)];
  return ns === undefined ? encode(name) : ns + encode(name.slice(colon + 1));
}

function value(v: unknown, attribute: string, scope: Record<string, string>): string {
  if (REFERENCE_ATTRIBUTES.has(attribute) && typeof v === 'string') return `<${resolve(v, scope)}>`;
  if (typeof v === 'string') return JSON.stringify(v) + '^^string';
  if (typeof v === 'number') return JSON.stringify(String(v)) + (Number.isInteger(v) ? '^^int' : '^^double');
  if (typeof v === 'boolean') return JSON.stringify(String(v)) + '^^boolean';
  const typed = v as { $: unknown; type?: string; lang?: string };
  if (typed.lang) return JSON.stringify(String(typed.$)) + '@' + typed.lang;
  const type = typed.type ?? (typeof typed.$ === 'string' ? 'xsd:string' : 'xsd:int');
  if (type === 'prov:QUALIFIED_NAME' || type === 'xsd:QName') return `<${resolve(String(typed.$), scope)}>`;
  const datatype = resolve(type === 'prov:InternationalizedString' ? 'xsd:string' : type, scope);
  return JSON.stringify(String(typed.$)) + '^^' + datatype.replace(PREDEFINED.xsd!, '');
}

/** The statements of a document: `bundle kind id attribute value`, sorted. */
export function provStatements(doc: Json): string[] {
  const out: string[] = [];
  const walk = (container: Json, graph: string, scope: Record<string, string>) => {
    let blank = 0;
    for (const [kind, records] of Object.entries(container)) {
      if (kind === 'prefix' || kind === 'bundle') continue;
      for (const [id, body] of Object.entries(records as Json)) {
        for (const record of Array.isArray(body) ? body : [body]) {
          const anonymous = id.startsWith('_:') || UNIDENTIFIABLE.has(kind);
          const subject = anonymous ? `_${++blank}` : resolve(id, scope);
          const attributes = Object.entries(record as Json).flatMap(([name, v]) =>
            (Array.isArray(v) ? v : [v]).map((one) => `${resolve(name, scope)}=${value(one, name, scope)}`));
          if (anonymous) out.push(`${graph} ${kind} _ {${[...new Set(attributes)].sort().join(' ')}}`);
          else out.push(`${graph} ${kind} ${subject}`, ...attributes.map((a) => `${graph} ${kind} ${subject} ${a}`));
        }
      }
    }
  };
  const scope = scopeOf(doc, PREDEFINED);
  walk(doc, '', scope);
  for (const [id, bundle] of Object.entries((doc.bundle as Json) ?? {})) {
    const bundleScope = scopeOf(bundle as Json, scope);
    walk(bundle as Json, resolve(id, bundleScope), bundleScope);
  }
  // Statements form a set: records split over several entries, or repeated, say each thing once.
  return [...new Set(out)].sort();
}
