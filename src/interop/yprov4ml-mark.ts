/**
 * The cheap test a yProv4ML document passes on some quad, apart from the importer so that readers
 * load the importer (and what it needs) only for documents that pass it.
 */
import type { Quad } from 'n3';

const YPROV_MARK = /yprov/i;

/** Every generation of yProv4ML names its terms with "yProv4ML"/"yprov". */
export function usesYProv4mlTerm(quad: Quad): boolean {
  return YPROV_MARK.test(quad.predicate.value);
}
