/** Running one scan rule on a snippet of source code, as the scanner would. */
import type { Language } from '../../src/scan/facts.js';
import { analyzePython } from '../../src/scan/python.js';
import { scanInput, type Hit, type ScanRule } from '../../src/scan/rule.js';
import { TypeScriptAnalyzer } from '../../src/scan/typescript.js';

const typescript = new TypeScriptAnalyzer();

/** Dedents a template literal so that snippets can be indented in tests. */
export function code(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

export async function factsOf(source: string, language: Language = 'python', file = language === 'python' ? 'example.py' : 'example.ts') {
  const facts = language === 'python' ? await analyzePython(source) : typescript.analyze(source, file);
  if (facts.syntaxError) throw new Error(`snippet does not parse: ${facts.syntaxError.at.line}:${facts.syntaxError.at.column} ${facts.syntaxError.message}`);
  return facts;
}

export async function hitsOf(rule: ScanRule, source: string, language: Language = 'python'): Promise<Hit[]> {
  return rule.check(scanInput(await factsOf(source, language)));
}

/** `line:focus` of each hit, in order. */
export async function hits(rule: ScanRule, source: string, language: Language = 'python'): Promise<string[]> {
  return (await hitsOf(rule, source, language)).map((h) => `${h.at.line}:${h.focus}`);
}
