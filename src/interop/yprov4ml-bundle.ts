/**
 * `reprov import yprov4ml`: a yProv4ML document converted once into a reprov bundle (prov.json +
 * prov.ttl), holding the same quads `reprov check` reads from it (the document's own and the ones
 * the importer adds), secrets redacted (`redactQuads`: by text, and parameters by name). Nothing else is copied: metric files and artifacts stay where the document names them.
 */
import './yprov4ml-mark.js';
import { loadBundle } from '../io/load-bundle.js';
import { UserError } from '../base/user-error.js';
import { writeDirectory } from '../base/output-dir.js';
import { writeBundleFiles } from '../io/write.js';
import { redactQuads } from '../prov/graph.js';

export interface YProv4mlBundle {
  /** The bundle directory written. */
  dir: string;
  generation: number;
  /** What the importer mapped, and what it could not. */
  notes: string[];
}

/** Reads a yProv4ML document (any format reprov reads) and writes its normalised bundle into `out`. */
export async function writeYProv4mlBundle(file: string, out: string, options: { overwrite?: boolean } = {}): Promise<YProv4mlBundle> {
  const bundle = await loadBundle(file);
  if (!bundle.importedFrom) {
    throw new UserError(`${bundle.file}: not a yProv4ML document (no activity carries yProv4ML's run attributes experiment_name, provenance_path, artifact_uri)`);
  }
  const { generation, notes } = bundle.importedFrom;
  await writeDirectory(out, { what: 'a reprov bundle', tool: 'reprov import yprov4ml', overwrite: options.overwrite }, (dir) => writeBundleFiles(dir, { quads: redactQuads(bundle.quads), prefixes: bundle.prefixes, warnings: [], skipped: [] }));
  return { dir: out, generation, notes };
}
