import type { Quad } from 'n3';
import type { Diagnostic } from '../base/diagnostics.js';

/** A provenance document as reprov holds it: RDF quads (PROV-O) plus the prefixes to print them with. */
export interface ProvDataset {
  quads: Quad[];
  /** prefix -> namespace IRI, as the input declared them. */
  prefixes: Record<string, string>;
  /** Things that were read but needed a decision (relative namespaces, dropped attributes). */
  warnings: Diagnostic[];
  /** With `lenient`, the parts of the input that could not be read. */
  skipped: Diagnostic[];
}
