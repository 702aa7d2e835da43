import type { Term } from 'n3';
import type { GraphStore as Store } from '../src/check/bundle-store.js';
import { focusName } from '../src/check/graph-query.js';
import { defineRule, finding, findings, notApplicable } from '../src/check/rule-kit.js';
import type { Finding } from '../src/check/types.js';
import { rdf, spdx } from '../src/prov/vocabulary.js';

const meta = {
  id: 'RPV-D002',
  title: 'Checksums are strong',
  category: 'data',
  severity: 'warning',
  weight: 4,
  description: 'Every SPDX checksum in the bundle is sound: not MD5 or SHA-1 (unless the same thing also has a sound SHA-2/SHA-3/BLAKE checksum), and a SHA-256 value is 64 hexadecimal characters (not a shortened or malformed digest).',
  why: 'A checksum is what proves a rerun reads the same bytes. MD5 and SHA-1 collisions can be made on purpose, so a changed file can keep the old digest; a shortened SHA-256 (the first 8 or 12 characters, as some tools print) matches many different files.',
  fix: 'Hash with SHA-256 over the whole content and record all 64 hex characters: `reprov record --input PATH -- …` or `run.logInput(PATH)` do; for a tool that writes MD5, add a SHA-256 checksum beside it.',
  example: {
    failing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/data/input/train.csv> .\n<urn:r/data/input/train.csv> a prov:Entity, reprov:File ; prov:atLocation "data/train.csv" ; spdx:checksum <urn:r/data/input/train.csv/checksum/md5> .\n<urn:r/data/input/train.csv/checksum/md5> a prov:Entity, spdx:Checksum ; spdx:algorithm spdx:checksumAlgorithm_md5 ; spdx:checksumValue "d41d8cd98f00b204e9800998ecf8427e" .',
    passing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/data/input/train.csv> .\n<urn:r/data/input/train.csv> a prov:Entity, reprov:File ; prov:atLocation "data/train.csv" ; spdx:checksum <urn:r/data/input/train.csv/checksum/sha256> .\n<urn:r/data/input/train.csv/checksum/sha256> a prov:Entity, spdx:Checksum ; spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" .',
  },
} as const;

/** Algorithm names (lower case, no separators) that are broken for integrity. */
const WEAK: Record<string, string> = { md5: 'MD5', sha1: 'SHA-1', md4: 'MD4', md2: 'MD2' };
/** Sound algorithms and the number of hex characters of a full digest. */
const STRONG: Record<string, number> = {
  sha256: 64, sha384: 96, sha512: 128, sha3256: 64, sha3384: 96, sha3512: 128, blake2b256: 64, blake2b384: 96, blake2b512: 128, blake3: 64,
};

/** `spdx:checksumAlgorithm_sha3_256`, `"SHA-256"`, `"sha256"` -> `sha3256` / `sha256`. */
function algorithmName(term: Term): string {
  const local = term.termType === 'Literal' ? term.value : term.value.replace(/^.*[#/]/, '');
  return local.replace(/^checksumAlgorithm_/i, '').toLowerCase().replace(/[\s_-]/g, '');
}

const all = (store: Store, s: Term | null, p: Term | null, o: Term | null) => store.getQuads(s, p, o, null);

interface Checksum {
  node: Term;
  algorithm: string | undefined;
  values: string[];
}

function describe(store: Store, node: Term): Checksum {
  const algorithm = all(store, node, spdx.algorithm, null)[0]?.object;
  return { node, algorithm: algorithm && algorithmName(algorithm), values: all(store, node, spdx.checksumValue, null).map((q) => q.object.value.trim()) };
}

/** A checksum is sound when its algorithm is strong and its value is a full digest of it. */
const sound = (c: Checksum) => {
  const length = c.algorithm !== undefined ? STRONG[c.algorithm] : undefined;
  return length !== undefined && c.values.length > 0 && c.values.every((v) => v.length === length && /^[0-9a-f]+$/i.test(v));
};

export default defineRule({
  meta,
  check(input) {
    const { store } = input;
    const nodes = new Map<string, Term>();
    for (const q of all(store, null, spdx.checksum, null)) nodes.set(`${q.object.termType}:${q.object.value}`, q.object);
    for (const q of all(store, null, rdf.type, spdx.Checksum)) nodes.set(`${q.subject.termType}:${q.subject.value}`, q.subject);
    if (!nodes.size) return notApplicable('the bundle records no checksum');
    const out: Finding[] = [];
    for (const node of nodes.values()) {
      const checksum = describe(store, node);
      const holders = all(store, null, spdx.checksum, node).map((q) => q.subject);
      const holderNames = holders.map((h) => focusName(input, h)).join(', ') || 'nothing';
      const weak = checksum.algorithm !== undefined ? WEAK[checksum.algorithm] : undefined;
      if (weak) {
        // A weak digest beside a sound one does no harm: the sound one pins the content.
        const alsoSound = holders.length > 0 && holders.every((h) => all(store, h, spdx.checksum, null).some((q) => !q.object.equals(node) && sound(describe(store, q.object))));
        if (!alsoSound) out.push(finding(input, meta, node, `${holderNames} is pinned by ${weak} only: ${weak} collisions can be made on purpose, so it does not prove the content is the same`));
      } else if (checksum.algorithm === 'sha256' && !sound(checksum)) {
        const value = checksum.values[0];
        const what = value === undefined ? 'has no value' : value.length !== 64 ? `is ${value.length} characters long, not 64` : 'is not hexadecimal';
        out.push(finding(input, meta, node, `the SHA-256 checksum of ${holderNames} ${what}: a shortened or malformed digest does not pin the content`));
      }
    }
    return findings(out);
  },
});
