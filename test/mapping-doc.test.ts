/** docs/mapping.md documents src/prov/relations.ts; this keeps the two from drifting apart. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROV } from '../src/prov/namespaces.js';
import { RELATIONS } from '../src/prov/relations.js';

const doc = readFileSync(new URL('../docs/mapping.md', import.meta.url), 'utf8');
const short = (iri: string) => iri.replace(PROV, 'prov:');

describe('docs/mapping.md', () => {
  it.each(RELATIONS.map((r) => [r.kind, r] as const))('documents %s as implemented', (kind, spec) => {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${kind}\` |`));
    expect(row, `no table row for ${kind}`).toBeDefined();
    const cells = row!.split('|').map((c) => c.trim());
    expect(cells[2]).toBe(`\`${spec.subject}\``);
    expect(cells[3]).toContain(`\`${spec.object}\``);
    expect(cells[4]).toBe(`\`${short(spec.property)}\``);
    if (spec.qualified) {
      expect(cells[5]).toBe(`\`${short(spec.qualified.class)}\``);
      expect(cells[6]).toBe(`\`${short(spec.qualified.property)}\``);
      for (const formal of spec.formal.slice(1)) expect(cells[7]).toContain(`\`${formal.name}\` → \`${short(formal.property)}\``);
      expect(cells[3]).toContain(`→ \`${short(spec.formal[0]!.property)}\``);
    } else {
      expect(cells[5]).toBe('—');
    }
  });
});
