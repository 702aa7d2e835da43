/**
 * yProv4ML's registration with the bundle reader (src/io/bundle-importers.ts): the cheap test some
 * quad of a yProv4ML document passes, apart from the importer so that readers load the importer
 * (and what it needs) only for documents that pass it. Importing this module registers it.
 */
import type { Quad } from 'n3';
import { registerBundleImporter } from '../io/bundle-importers.js';

const YPROV_MARK = /yprov/i;

/** Every generation of yProv4ML names its terms with "yProv4ML"/"yprov". */
export function usesYProv4mlTerm(quad: Quad): boolean {
  return YPROV_MARK.test(quad.predicate.value);
}

registerBundleImporter({
  name: 'yprov4ml',
  module: import.meta.url,
  marks: usesYProv4mlTerm,
  load: async () => {
    const { importYProv4ml, isYProv4ml } = await import('./yprov4ml.js');
    return { detects: isYProv4ml, map: importYProv4ml };
  },
});
