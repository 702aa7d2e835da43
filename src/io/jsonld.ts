/**
 * JSON-LD <-> quads through the jsonld package, offline: contexts are served from the files in
 * contexts/ and any other remote document is refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsonld from 'jsonld';
import type { Quad } from 'n3';
import type { Diagnostics } from '../base/diagnostics.js';
import { parseRdfText, RdfTextWriter } from './rdf-text.js';

import { PACKAGE_ROOT } from '../base/package-root.js';

const CONTEXTS_DIR = join(PACKAGE_ROOT, 'contexts');

let shippedContexts: Record<string, string> | undefined;
function shippedContext(url: string): unknown {
  shippedContexts ??= JSON.parse(readFileSync(join(CONTEXTS_DIR, 'index.json'), 'utf8')) as Record<string, string>;
  const file = shippedContexts[url];
  return file === undefined ? undefined : JSON.parse(readFileSync(join(CONTEXTS_DIR, file), 'utf8'));
}

export class RemoteContextRefused extends Error {}

async function offlineLoader(url: string) {
  const document = shippedContext(url);
  if (document === undefined) {
    throw new RemoteContextRefused(`remote JSON-LD context <${url}> is not fetched (reprov works offline); inline the context in the document`);
  }
  return { contextUrl: null, documentUrl: url, document };
}

export async function parseJsonLd(doc: unknown, diagnostics: Diagnostics): Promise<{ quads: Quad[]; prefixes: Record<string, string> }> {
  let nquads: string;
  try {
    const expanded = await jsonld.expand(doc, { documentLoader: offlineLoader, base: null });
    nquads = (await jsonld.toRDF(keepDoubleLexicalForms(expanded), { format: 'application/n-quads' })) as string;
  } catch (error) {
    diagnostics.error('', `invalid JSON-LD: ${rootCause(error)}`);
    return { quads: [], prefixes: {} };
  }
  const quads = parseRdfText(nquads.replaceAll(DOUBLE_STANDIN, XSD_DOUBLE), 'nquads', diagnostics).quads;
  return { quads, prefixes: contextPrefixes(doc) };
}

const XSD_DOUBLE = 'http://www.w3.org/2001/XMLSchema#double';
const DOUBLE_STANDIN = 'urn:reprov:jsonld-double-lexical';

/**
 * jsonld.js rewrites every xsd:double string (`"0.001"`) in canonical form (`"1.0E-3"`); the
 * JSON-LD spec canonicalises only native numbers. Typing the strings with a stand-in datatype
 * for the conversion keeps them as written.
 */
function keepDoubleLexicalForms(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(keepDoubleLexicalForms);
  if (typeof node !== 'object' || node === null) return node;
  const object = node as Record<string, unknown>;
  if (object['@type'] === XSD_DOUBLE && typeof object['@value'] === 'string') return { ...object, '@type': DOUBLE_STANDIN };
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, keepDoubleLexicalForms(value)]));
}

/** Prefix definitions (`"ex": "http://example.org/"`) of a document's inline top-level context. */
function contextPrefixes(doc: unknown): Record<string, string> {
  const context = (doc as { '@context'?: unknown } | null)?.['@context'];
  const prefixes: Record<string, string> = {};
  for (const entry of Array.isArray(context) ? context : [context]) {
    if (typeof entry !== 'object' || entry === null) continue;
    for (const [term, iri] of Object.entries(entry)) {
      if (typeof iri === 'string' && !term.startsWith('@') && /[#/:]$/.test(iri)) prefixes[term] = iri;
    }
  }
  return prefixes;
}

/** Compact JSON-LD with the document's prefixes as an inline context; bundles become named graphs. */
export async function writeJsonLd(quads: Quad[], prefixes: Record<string, string>): Promise<string> {
  let nquads = '';
  const writer = new RdfTextWriter('nquads', {}, { write: (chunk) => (nquads += chunk) });
  for (const quad of quads) writer.add(quad);
  await writer.end();
  const expanded = await jsonld.fromRDF(nquads, { format: 'application/n-quads' });
  const context = {
    prov: 'http://www.w3.org/ns/prov#',
    xsd: 'http://www.w3.org/2001/XMLSchema#',
    rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
    // JSON-LD has no empty term: the default namespace (the empty prefix) stays in full IRIs.
    ...Object.fromEntries(Object.entries(prefixes).filter(([prefix]) => prefix !== '')),
  };
  const compacted = await jsonld.compact(expanded, context, { documentLoader: offlineLoader });
  return JSON.stringify(compacted, null, 2) + '\n';
}

function rootCause(error: unknown): string {
  let current = error as { message?: string; details?: { cause?: unknown } } | undefined;
  while (current?.details?.cause) current = current.details.cause as typeof current;
  return (current?.message ?? String(error)).replace(/\.$/, '');
}
