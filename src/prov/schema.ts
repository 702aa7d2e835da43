/** Validation of PROV-JSON documents against the shipped JSON schema (schemas/prov-json.schema.json). */
import type { Diagnostics } from '../io/diagnostics.js';

/** Reports the first schema violation through `diagnostics` (which throws unless lenient). */
export function checkProvJsonSchema(_doc: unknown, _diagnostics: Diagnostics): void {
  // Filled in by the schema work (issue 2): ajv against schemas/prov-json.schema.json.
}
