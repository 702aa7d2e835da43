/**
 * Turns IRIs back into PROV qualified names (`ex:e1`) for PROV-JSON output, using the
 * prefixes the input declared and inventing `ns1`, `ns2`, ... for namespaces it did not.
 */
import type { Term } from 'n3';
import { PREDEFINED_PREFIXES, RELATIVE_NAMESPACE_BASE } from './namespaces.js';

/** PROV-JSON identifiers must not contain these after the colon (they would be re-read differently). */
const NAMESPACE_SPLIT = /^(.*[#/:])([^#/:]*)$/;

export class QualifiedNamer {
  private readonly byNamespace = new Map<string, string>();
  private readonly used = new Map<string, string>();
  private generated = 0;

  /**
   * @param prefixes prefix -> namespace IRI, in order of preference
   * @param parent a namer whose generated prefixes this one should reuse (bundles reuse the document's)
   */
  constructor(prefixes: Record<string, string>, private readonly parent?: QualifiedNamer) {
    for (const [prefix, iri] of Object.entries({ ...PREDEFINED_PREFIXES, ...prefixes })) {
      if (!this.byNamespace.has(iri)) this.byNamespace.set(iri, prefix);
    }
    if (parent) for (const [iri, prefix] of parent.byNamespace) if (!this.byNamespace.has(iri)) this.byNamespace.set(iri, prefix);
  }

  name(term: Term | { termType: string; value: string }): string {
    if (term.termType === 'BlankNode') return `_:${term.value}`;
    const iri = term.value;
    // Names come in runs of one namespace: the last found is the answer when none longer extends it.
    const last = this.lastFound;
    if (last !== undefined && iri.startsWith(last)) {
      // Its prefix is written already: the name is all that is left to make.
      return this.lastPrefix === undefined ? this.qualified(last, iri) : `${this.lastPrefix}${iri.slice(last.length)}`;
    }
    // The longest namespace the IRI starts with: the first in the list longest first.
    if (!this.longestFirst) {
      const longestFirst = [...this.byNamespace.keys()].sort((a, b) => b.length - a.length);
      this.longestFirst = longestFirst;
      this.unextended = new Set(longestFirst.filter((namespace, i) => !longestFirst.slice(0, i).some((other) => other.startsWith(namespace))));
    }
    for (const namespace of this.longestFirst) {
      if (!iri.startsWith(namespace)) continue;
      this.lastFound = this.unextended.has(namespace) ? namespace : undefined;
      this.lastPrefix = undefined;
      return this.qualified(namespace, iri);
    }
    const namespace = namespaceOf(iri);
    this.byNamespace.set(namespace, this.parent ? this.parent.prefixFor(namespace, new Set(this.byNamespace.values())) : this.newPrefix(namespace));
    this.namespacesChanged();
    return this.qualified(namespace, iri);
  }

  /** The keys of byNamespace, longest first; made again when a namespace is added. */
  private longestFirst: string[] | undefined;
  /** The namespaces no other namespace starts with. */
  private unextended = new Set<string>();
  /** The namespace {@link name} last found, if no other namespace starts with it. */
  private lastFound: string | undefined;
  /** `prefix:` of {@link lastFound} once a name in it has been made, when not the default namespace. */
  private lastPrefix: string | undefined;

  private namespacesChanged(): void {
    this.longestFirst = undefined;
    this.lastFound = undefined;
    this.lastPrefix = undefined;
  }

  private readonly defaultAliases = new Map<string, string>();

  /** A real prefix for the default namespace, for local names that contain a colon. */
  private defaultAlias(namespace: string): string {
    let alias = this.defaultAliases.get(namespace);
    if (alias === undefined) this.defaultAliases.set(namespace, (alias = this.newPrefix(namespace)));
    return alias;
  }

  private prefixFor(namespace: string, alsoTaken: ReadonlySet<string>): string {
    let prefix = this.byNamespace.get(namespace);
    if (prefix === undefined) {
      this.byNamespace.set(namespace, (prefix = this.newPrefix(namespace, alsoTaken)));
      this.namespacesChanged();
    }
    return prefix;
  }

  /** `ns1`, `ns2`, ...; or, for a namespace resolved from a non-absolute value, that value. */
  private newPrefix(namespace: string, alsoTaken: ReadonlySet<string> = new Set()): string {
    // Bundles draw from the document's namer, so one name never stands for two namespaces.
    const taken = new Set([...alsoTaken, ...this.byNamespace.values(), ...this.defaultAliases.values()]);
    if (this.parent) return this.parent.newPrefix(namespace, taken);
    const original = declaredValue(namespace);
    if (original !== namespace && /^[A-Za-z_][\w.-]*$/.test(original) && !taken.has(original)) return original;
    let prefix: string;
    do prefix = `ns${++this.generated}`;
    while (taken.has(prefix));
    return prefix;
  }

  /** The prefixes this namer has written, as a PROV-JSON `prefix` object. */
  usedPrefixes(): Record<string, string> {
    return Object.fromEntries(this.used);
  }

  private qualified(namespace: string, iri: string): string {
    const prefix = this.byNamespace.get(namespace)!;
    const local = iri.slice(namespace.length);
    // The empty prefix is PROV-JSON's default namespace; a local name with a colon would be misread there.
    if (prefix === '' && !local.includes(':')) {
      this.used.set('default', declaredValue(namespace));
      return local;
    }
    const named = prefix === '' ? this.defaultAlias(namespace) : prefix;
    if (named !== 'prov' && named !== 'xsd') this.used.set(named, declaredValue(namespace));
    if (prefix !== '' && namespace === this.lastFound) this.lastPrefix = `${named}:`;
    return `${named}:${local}`;
  }
}

/**
 * Where an IRI no declared prefix covers splits into namespace and local name: after the last
 * `#`, `/` or `:`; for `urn:reprov:ns:<value>:…` after the value, which never holds a colon.
 */
function namespaceOf(iri: string): string {
  if (iri.startsWith(RELATIVE_NAMESPACE_BASE)) {
    const end = iri.indexOf(':', RELATIVE_NAMESPACE_BASE.length);
    if (end !== -1) return iri.slice(0, end + 1);
  }
  return NAMESPACE_SPLIT.exec(iri)?.[1] ?? iri;
}

/** Namespaces resolved from non-absolute values are declared with their original value again. */
function declaredValue(namespace: string): string {
  if (!namespace.startsWith(RELATIVE_NAMESPACE_BASE) || !namespace.endsWith(':')) return namespace;
  return decodeURIComponent(namespace.slice(RELATIVE_NAMESPACE_BASE.length, -1));
}
