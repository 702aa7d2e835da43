import type { Term } from 'n3';
import { focusName } from '../src/check/graph-query.js';
import { defineRule, finding, findings } from '../src/check/rule-kit.js';
import type { Finding, Rule } from '../src/check/types.js';
import { type ExtraPattern, findSecretsWith, mayHoldSecretName, redactText, secretPatternsIn } from '../src/base/redact.js';
import { mayNameSecret, namedSecrets } from '../src/prov/graph.js';
import type { BundleStore } from '../src/check/bundle-store.js';

const meta = {
  id: 'RPV-X001',
  title: 'No credentials in the bundle',
  category: 'secrets',
  severity: 'error',
  weight: 10,
  description: 'No literal or IRI anywhere in the bundle holds a credential: private keys, cloud, GitHub, Hugging Face, OpenAI, Slack NVIDIA, GitLab, PyPI, npm, Slack and Google keys, JWTs, bearer tokens and Authorization headers, passwords and tokens in URLs (user part, query signatures), password=/token=/secret=/api_key= assignments and YAML entries (the patterns record redacts with, src/base/redact.ts, plus those the configuration adds), and values whose name says they are secret (a parameter or attribute named password, api_key, hf-token, authToken...: the secret-name list record redacts by). One finding per node holding a secret, naming the kind of secret and the property; the secret itself is never shown.',
  why: 'Bundles are shared, committed next to code and published with papers. A token in a bundle is a leaked token: anyone who reads it can push to the repository, spend on the cloud account or read private data, and it stays in every copy and in the git history.',
  fix: 'Revoke the credential now, then remove it from the bundle: re-record with reprov (which redacts command lines, URLs and environment values), or rewrite the value as [REDACTED]; pass secrets through environment variables or a secrets manager, not as flags or in URLs.',
  example: {
    failing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/code> .\n<urn:r/code> a prov:Entity, schema:SoftwareSourceCode, reprov:CodeState ; schema:codeRepository "https://ci-bot:hunter2-s3cret@git.example.org/lab/model.git" ; reprov:commit "3f2c9a1" .',
    passing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/code> .\n<urn:r/code> a prov:Entity, schema:SoftwareSourceCode, reprov:CodeState ; schema:codeRepository "https://git.example.org/lab/model.git" ; reprov:commit "3f2c9a1" .',
  },
} as const;

type Position = 'subject' | 'predicate' | 'object' | 'graph';

/**
 * The secrets rule with extra patterns (from the configuration's secret patterns) on top of the
 * built-in ones. Every literal and IRI of the bundle is scanned once; a finding names the node
 * holding the secret (the subject of the statement; the node itself when the secret is in its
 * identifier), the kinds of secret and the properties, never the secret.
 */
export function secretsRule(extra: readonly ExtraPattern[] = []): Rule {
  return defineRule({
    meta,
    check(input) {
      // Every distinct literal and IRI value once (what a secret is depends on the text alone).
      const values = new Set<string>();
      for (const term of input.store.terms()) {
        if (term.termType === 'Literal' || term.termType === 'NamedNode') values.add(term.value);
      }
      const patterns = secretPatternsIn([...values], extra);
      // Values secret by their name (`<param/password> prov:value "hunter2"`), as record redacts them. A name is a
      // literal or an IRI's last segment, so a bundle none of whose values holds a secret word has none.
      const byName = [...values].some(mayHoldSecretName) ? secretsByName(input.store) : [];
      if (!patterns.length && !byName.length) return findings([]);
      const kinds = new Map<string, string[]>();
      for (const value of values) {
        const found = [...new Set(findSecretsWith(value, patterns).map((s) => s.kind))];
        if (found.length) kinds.set(value, found);
      }
      const kindsOf = (term: Term): string[] => (term.termType === 'Literal' || term.termType === 'NamedNode' ? kinds.get(term.value) ?? [] : []);
      const nodes = new Map<string, { node: Term; where: Map<string, Set<string>> }>();
      const note = (node: Term, kind: string, where: string) => {
        const id = `${node.termType}:${node.value}`;
        const entry = nodes.get(id) ?? { node, where: new Map<string, Set<string>>() };
        nodes.set(id, entry);
        const places = entry.where.get(kind) ?? new Set<string>();
        places.add(where);
        entry.where.set(kind, places);
      };
      for (const { quad: q, kind } of byName) note(q.subject, kind, focusName(input, q.predicate));
      // Where the secret values sit: a walk over every statement, only when some value holds one.
      if (kinds.size) for (const q of input.store.readQuads(null, null, null, null)) {
        const check: [Position, Term][] = [['subject', q.subject], ['predicate', q.predicate], ['object', q.object], ['graph', q.graph]];
        for (const [position, term] of check) {
          for (const kind of kindsOf(term)) {
            if (position === 'object') note(q.subject, kind, focusName(input, q.predicate));
            else if (position === 'subject') note(q.subject, kind, 'its identifier');
            else if (position === 'predicate') note(q.subject, kind, 'a property name');
            else note(q.graph, kind, 'its identifier');
          }
        }
      }
      const out: Finding[] = [];
      for (const { node, where } of nodes.values()) {
        const parts = [...where].map(([kind, places]) => `${article(kind)} ${kind} in ${[...places].sort().join(', ')}`);
        const message = `holds ${parts.join('; ')}: revoke the credential and remove it from the bundle`;
        const found = finding(input, meta, node, message);
        // A secret in an identifier would otherwise be shown by the focus name or by the property named.
        out.push({ ...found, focus: redactText(found.focus, extra), message: redactText(found.message, extra) });
      }
      return findings(out);
    },
  });
}

/**
 * namedSecrets over the bundle. Most bundles hold none: the statements of the few predicates it
 * reads (labels, values, secret-named ones) show that without reading every statement. When they
 * hold some, every statement is read in the store's order, which the findings' order follows.
 */
function secretsByName(store: BundleStore): ReturnType<typeof namedSecrets> {
  const predicates = store.predicates().filter((p) => mayNameSecret(p.value));
  // One at a time, as the full read: a million-statement bundle holds hundreds of thousands of labels and values.
  const suspects = (function* () {
    for (const predicate of predicates) yield* store.readQuads(null, predicate, null, null);
  })();
  return namedSecrets(suspects).length ? namedSecrets(store.readQuads(null, null, null, null)) : [];
}

const article = (kind: string) => (/^[aeiou]/i.test(kind) ? 'an' : 'a');

export default secretsRule();
