/** Every reprov term the code uses is declared and documented in shapes/reprov-vocabulary.ttl and docs/vocabulary.md. */
import { readFileSync } from 'node:fs';
import { Parser } from 'n3';
import { describe, expect, it } from 'vitest';
import { REPROV, reprov } from '../src/prov/vocabulary.js';

const declared = new Parser().parse(readFileSync(new URL('../shapes/reprov-vocabulary.ttl', import.meta.url), 'utf8'));
const docs = readFileSync(new URL('../docs/vocabulary.md', import.meta.url), 'utf8');
const described = (iri: string) => declared.some((q) => q.subject.value === iri && q.predicate.value.endsWith('#comment'));

describe('reprov vocabulary', () => {
  it.each(Object.keys(reprov))('reprov:%s is declared with a comment', (name) => {
    expect(described(REPROV + name)).toBe(true);
  });

  it('declares nothing the code does not use', () => {
    const used = new Set(Object.values(reprov).map((t) => t.value));
    const subjects = new Set(declared.map((q) => q.subject.value).filter((s) => s.startsWith(REPROV) && s !== REPROV));
    expect([...subjects].filter((s) => !used.has(s))).toEqual([]);
  });

  it('documents the terms that describe a run in docs/vocabulary.md', () => {
    const undocumented = Object.keys(reprov).filter((name) => !docs.includes(`reprov:${name}`));
    expect(undocumented).toEqual([]);
  });
});
