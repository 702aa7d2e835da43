/**
 * SHACL runs only when some shape may select a focus node in the bundle (src/check/shacl.ts):
 * skipping must never lose a result. Class targets reached through a subclass the data declares,
 * node targets (focus nodes the data need not hold) and implicit class targets are still validated.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFactory, Parser, Store } from 'n3';
import { Validator } from 'shacl-engine';
import { afterAll, describe, expect, it } from 'vitest';
import { BundleStore } from '../../src/check/bundle-store.js';
import { ShapeSet } from '../../src/check/shacl.js';
import { PACKAGE_ROOT } from '../../src/base/package-root.js';

const dir = mkdtempSync(join(tmpdir(), 'reprov-shacl-targets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PREFIXES = '@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix reprov: <https://w3id.org/reprov#> .\n@prefix ex: <https://example.org/> .\n';

function store(turtle: string): BundleStore {
  return new BundleStore(new Parser().parse(PREFIXES + turtle));
}
function shapes(name: string, turtle: string): ShapeSet {
  const file = join(dir, `${name}.ttl`);
  writeFileSync(file, PREFIXES + turtle);
  return new ShapeSet([file]);
}
const shapesOf = async (set: ShapeSet, data: BundleStore) => (await set.validate(data)).map((v) => `${v.shape} ${v.focus.value}`);

describe('SHACL targets decide whether a bundle is validated', () => {
  const codeState = new ShapeSet(['RPV-C004.ttl']);

  it('finds a code state without a repository', async () => {
    expect(await shapesOf(codeState, store('ex:c a reprov:CodeState ; reprov:commit "3f2c9a1" .'))).toEqual(['RPV-C004 https://example.org/c']);
  });

  it('validates a bundle that declares a subclass of a target class, as shacl-engine alone does', async () => {
    const data = store('ex:Snapshot rdfs:subClassOf reprov:CodeState .\nex:c a ex:Snapshot ; reprov:commit "3f2c9a1" .');
    const shapesGraph = new Store(new Parser().parse(readFileSync(join(PACKAGE_ROOT, 'shapes', 'RPV-C004.ttl'), 'utf8')));
    const direct = await new Validator(shapesGraph, { factory: DataFactory }).validate({ dataset: data.asDataset() });
    expect((await codeState.validate(data)).length).toBe(direct.results.length);
  });

  it('has nothing to report on a bundle that no target selects', async () => {
    expect(await shapesOf(codeState, store('ex:run a ex:Run ; ex:used ex:data .'))).toEqual([]);
  });

  it('selects by subjects-of and objects-of', async () => {
    const set = shapes('by-predicate', 'ex:S a sh:NodeShape ; sh:targetObjectsOf ex:uses ; sh:property [ sh:path ex:version ; sh:minCount 1 ] .');
    expect(await shapesOf(set, store('ex:run ex:uses ex:lib .'))).toEqual(['https://example.org/S https://example.org/lib']);
    expect(await shapesOf(set, store('ex:run ex:other ex:lib .'))).toEqual([]);
  });

  it('always validates node targets and implicit class targets, whatever the bundle holds', async () => {
    const node = shapes('node', 'ex:S a sh:NodeShape ; sh:targetNode ex:model ; sh:property [ sh:path ex:card ; sh:minCount 1 ] .');
    expect(await shapesOf(node, store('ex:run a ex:Run .'))).toEqual(['https://example.org/S https://example.org/model']);
    const implicit = shapes('implicit', 'ex:Model a sh:NodeShape, rdfs:Class ; sh:property [ sh:path ex:card ; sh:minCount 1 ] .');
    expect(await shapesOf(implicit, store('ex:m a ex:Model .'))).toEqual(['https://example.org/Model https://example.org/m']);
  });
});
