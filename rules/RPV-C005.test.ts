import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import rule from './RPV-C005.js';
import { focuses, runRule } from '../test/support/rules.js';
import { reprov } from '../test/support/cli.js';
import { git, initRepo, write } from '../test/support/git.js';

const COMMIT = 'reprov:commit "3f2c9a1e5b7d4c6a8f0e1d2c3b4a5968778695a4"';
const DIGEST = 'reprov:diffSha256 "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"';
const run = (code: string) => `<urn:r/run> a mls:Run ; prov:used <urn:r/code> .\n<urn:r/code> a prov:Entity, reprov:CodeState ; ${code} .`;
const messages = async (turtle: string) => {
  const outcome = await runRule(rule, turtle);
  return outcome.applies ? outcome.findings.map((f) => f.message) : [outcome.reason];
};

describe('RPV-C005 uncommitted changes are stored', () => {
  it('flags a dirty tree that records only the digest of its changes: it proves identity but cannot rebuild the code', async () => {
    const bundle = run(`${COMMIT} ; reprov:dirty true ; reprov:changedFile "train.py" ; reprov:changedFileCount 1 ; ${DIGEST}`);
    expect(await focuses(rule, bundle)).toEqual(['r:code']);
    expect(await messages(bundle)).toEqual(['the working tree had uncommitted changes (1 changed file: train.py) and the bundle does not store the diff (reprov:diffFile): only their digest (reprov:diffSha256) was recorded, which proves identity but cannot rebuild them, so the code that ran cannot be rebuilt from the commit']);
  });
  it('flags a dirty tree with nothing recorded of its changes, counting them', async () => {
    expect(await messages(run(`${COMMIT} ; reprov:dirty true ; reprov:changedFileCount 5 ; reprov:changedFile "a.py", "b.py", "c.py", "d.py"`)))
      .toEqual([expect.stringMatching(/^the working tree had uncommitted changes \(5 changed files: a\.py, b\.py, c\.py, …\) .*: no diff was recorded, so/)]);
    // Dirty with a digest but no file list (another producer): still changes a diff would hold.
    expect(await focuses(rule, run(`${COMMIT} ; reprov:dirty "true"^^xsd:boolean ; ${DIGEST}`))).toEqual(['r:code']);
  });
  it('passes a clean tree, a dirty one whose diff is stored, and one whose only changes are untracked files (no diff holds them: RPV-C002)', async () => {
    expect(await focuses(rule, run(`${COMMIT} ; reprov:dirty false`))).toEqual([]);
    expect(await focuses(rule, run(`${COMMIT} ; reprov:dirty true ; reprov:changedFileCount 1 ; ${DIGEST} ; reprov:diffFile "artifacts/code.diff"`))).toEqual([]);
    expect(await focuses(rule, run(`${COMMIT} ; reprov:dirty true ; reprov:changedFileCount 0 ; reprov:untrackedFileCount 2`))).toEqual([]);
  });
  it('does not apply without a code state, outside a repository, or when the tree\'s state is unknown', async () => {
    expect(await focuses(rule, '<urn:r/run> a mls:Run .')).toMatch(/^not applicable: .*no code state/);
    expect(await focuses(rule, run('reprov:noRepositoryReason "not a git repository: /exp" ; reprov:dirty true'))).toMatch(/^not applicable/);
    expect(await focuses(rule, run('reprov:unknownReason "git failed"'))).toMatch(/^not applicable: .*whether its working tree was clean/);
  });
  it('treats hostile values as data: a non-numeric count, a dirty flag that is not a boolean', async () => {
    expect(await focuses(rule, run(`${COMMIT} ; reprov:dirty "maybe" ; reprov:changedFileCount "lots"`))).toEqual([]);
    expect(await messages(run(`${COMMIT} ; reprov:dirty true ; reprov:changedFileCount "NaN" ; reprov:changedFile "x.py"`))).toEqual([expect.stringContaining('(1 changed file: x.py)')]);
  });

  describe('runs recorded through the CLI from a real git repository (clean, dirty, dirty with --include-diff)', () => {
    let repo: string;
    const RECORD = ['record', '--no-hardware', '--no-system', '--no-instrument'];
    type Json = { bundles: { score: number; findings: { rule: string; severity: string; focus: string }[] }[] };
    const checked = (bundle: string) => {
      const result = reprov(['check', '--format', 'json', bundle], { cwd: repo });
      return JSON.parse(result.stdout) as Json;
    };
    const c005 = (json: Json) => json.bundles[0]!.findings.filter((f) => f.rule === 'RPV-C005');
    beforeAll(() => {
      repo = initRepo(mkdtempSync(join(tmpdir(), 'rpv-c005-')), { 'train.py': 'print("lr", 0.1)\n', '.gitignore': 'bundles/\n' });
      expect(reprov([...RECORD, '-o', 'bundles/clean', '--', 'python3', 'train.py'], { cwd: repo }).status).toBe(0);
      write(repo, 'train.py', 'print("lr", 0.5)\n');
      expect(git(repo, 'status', '--porcelain')).toBe('M train.py');
      expect(reprov([...RECORD, '-o', 'bundles/dirty', '--', 'python3', 'train.py'], { cwd: repo }).status).toBe(0);
      expect(reprov([...RECORD, '--include-diff', '-o', 'bundles/diff', '--', 'python3', 'train.py'], { cwd: repo }).status).toBe(0);
    });
    afterAll(() => rmSync(repo, { recursive: true, force: true }));

    it('flags the dirty run recorded without --include-diff, and its score drops below the clean run\'s', () => {
      const [clean, dirty, diff] = ['bundles/clean', 'bundles/dirty', 'bundles/diff'].map(checked);
      expect(c005(clean!)).toEqual([]);
      expect(c005(diff!)).toEqual([]);
      expect(c005(dirty!)).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('1 changed file: train.py') })]);
      expect(dirty!.bundles[0]!.score).toBeLessThan(clean!.bundles[0]!.score);
      // The stored diff makes the dirty run as rebuildable as the clean one.
      expect(diff!.bundles[0]!.score).toBe(clean!.bundles[0]!.score);
    });
  });
});
