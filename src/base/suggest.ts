import { distance } from 'fastest-levenshtein';

/** `; did you mean 'minScore'?` for a name that differs from a candidate by case or by up to two edits; '' otherwise. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const lower = name.toLowerCase();
  const near = candidates.find((c) => c.toLowerCase() === lower) ?? candidates.find((c) => distance(c, name) <= 2);
  return near ? `; did you mean '${near}'?` : '';
}
