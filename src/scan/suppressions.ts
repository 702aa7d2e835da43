/**
 * Inline suppressions: `# reprov: ignore[RPV-S101]` (Python) or `// reprov-ignore RPV-S101`
 * (TypeScript/JavaScript); either spelling works in either comment syntax, several ids may be
 * given (comma or space separated), and none means every rule. A comment after code covers its
 * own line; a comment alone on its line covers the next line.
 */
const DIRECTIVE = /(?:#|\/\/|\/\*)\s*reprov(?::\s*|-)ignore\b(?:\[([^\]]*)\]|((?:[ \t,]+RPV-[A-Z]\d{3})+))?/i;

/** Line number -> the rule ids suppressed on it (`*` for all). */
export type Suppressions = Map<number, Set<string>>;

export function findSuppressions(text: string): Suppressions {
  const suppressed: Suppressions = new Map();
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const match = DIRECTIVE.exec(line);
    if (!match) return;
    const ids = (match[1] ?? match[2] ?? '').split(/[\s,]+/).filter(Boolean).map((id) => id.toUpperCase());
    const target = line.slice(0, match.index).trim() === '' ? index + 2 : index + 1;
    const set = suppressed.get(target) ?? new Set<string>();
    for (const id of ids.length ? ids : ['*']) set.add(id);
    suppressed.set(target, set);
  });
  return suppressed;
}

export function isSuppressed(suppressions: Suppressions, line: number, rule: string): boolean {
  const set = suppressions.get(line);
  return !!set && (set.has('*') || set.has(rule));
}
