/**
 * Resolves PROV qualified names (`ex:e1`, `e1`, `_:b1`) against the prefixes a PROV-JSON
 * document or bundle declares.
 */
import { PREDEFINED_PREFIXES, RELATIVE_NAMESPACE_BASE } from './namespaces.js';

export type Resolved = { iri: string } | { blank: string } | { error: string };

const ABSOLUTE_IRI = /^[A-Za-z][A-Za-z0-9+.-]*:/;
// Characters RFC 3987 does not allow anywhere in an IRI.
const NOT_IN_IRI = /[\u0000-\u0020<>"{}|\\^`]/;
const NOT_IN_IRI_ALL = new RegExp(NOT_IN_IRI.source, 'g');

/**
 * PROV qualified names are looser than IRIs (yProv4ML writes ids with spaces): the characters an
 * IRI cannot hold are percent-encoded, so `ex:Original model` is `<…Original%20model>`.
 */
function iri(namespace: string, local: string): string {
  return namespace + (NOT_IN_IRI.test(local) ? local.replace(NOT_IN_IRI_ALL, encodeURIComponent) : local);
}

/** Whether a namespace value is an absolute IRI that can stand in RDF as it is. */
export function isAbsoluteIri(value: string): boolean {
  return ABSOLUTE_IRI.test(value);
}

/** The stable IRI a non-absolute namespace (`"yProv4ML": "yProv4ML"`) is resolved to. */
export function resolveRelativeNamespace(value: string, base = RELATIVE_NAMESPACE_BASE): string {
  return base === RELATIVE_NAMESPACE_BASE ? `${base}${encodeURIComponent(value)}:` : base + value;
}

export class NamespaceScope {
  /** prefix -> namespace IRI, including the predefined ones. */
  readonly namespaces: Map<string, string>;
  defaultNamespace: string | undefined;

  constructor(parent?: NamespaceScope) {
    this.namespaces = new Map(parent ? parent.namespaces : Object.entries(PREDEFINED_PREFIXES));
    this.defaultNamespace = parent?.defaultNamespace;
  }

  declare(prefix: string, iri: string): void {
    if (prefix === 'default') this.defaultNamespace = iri;
    else this.namespaces.set(prefix, iri);
  }

  resolve(name: string): Resolved {
    if (name.startsWith('_:')) return { blank: name.slice(2) };
    const colon = name.indexOf(':');
    if (colon === -1) {
      if (this.defaultNamespace === undefined) {
        return { error: `'${name}' has no prefix and the document declares no default namespace` };
      }
      return { iri: iri(this.defaultNamespace, name) };
    }
    const prefix = name.slice(0, colon);
    const namespace = this.namespaces.get(prefix);
    if (namespace !== undefined) return { iri: iri(namespace, name.slice(colon + 1)) };
    // Full IRIs used as identifiers: accepted where the "prefix" is plainly a URI scheme.
    if (name.startsWith('//', colon + 1) || prefix === 'urn') return { iri: iri('', name) };
    return { error: `undeclared prefix '${prefix}' in '${name}'` };
  }
}
