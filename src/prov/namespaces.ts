/** Namespace IRIs used throughout the PROV-JSON <-> PROV-O mapping. */
export const PROV = 'http://www.w3.org/ns/prov#';
export const XSD = 'http://www.w3.org/2001/XMLSchema#';
export const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
export const RDFS = 'http://www.w3.org/2000/01/rdf-schema#';

export const RDF_TYPE = `${RDF}type`;
export const RDF_LANG_STRING = `${RDF}langString`;
export const XSD_STRING = `${XSD}string`;

/** Prefixes every PROV document may use without declaring them (PROV-JSON section 2.1). */
export const PREDEFINED_PREFIXES: Readonly<Record<string, string>> = Object.freeze({
  prov: PROV,
  xsd: XSD,
  rdf: RDF,
  rdfs: RDFS,
});

/**
 * Namespaces that are not absolute IRIs (yProv4ML writes `"yProv4ML": "yProv4ML"`) are
 * resolved under this URN scheme so the RDF stays valid and the original value can be
 * restored when converting back: `yProv4ML` becomes `urn:reprov:ns:yProv4ML:`.
 */
export const RELATIVE_NAMESPACE_BASE = 'urn:reprov:ns:';
