import { hasKeyword, lastSegment, type Call, type Value } from '../../src/scan/facts.js';
import type { ScanRule } from '../../src/scan/rule.js';
import { callHit } from '../../src/scan/rule.js';

/** Python packages whose `from_pretrained` reads the Hugging Face Hub. */
const HUB_PACKAGES = new Set(['transformers', 'diffusers', 'peft', 'optimum', 'huggingface_hub', 'setfit', 'trl', 'sentence_transformers']);
const JS_HUB_PACKAGES = new Set(['@huggingface/transformers', '@xenova/transformers']);
/** load_dataset builders that read local or given files, not a Hub repository. */
const PACKAGED_BUILDERS = new Set(['csv', 'json', 'parquet', 'text', 'arrow', 'pandas', 'imagefolder', 'audiofolder', 'videofolder', 'webdataset', 'sql', 'xml']);

/** A path on this machine, not a Hub id. */
function isLocalPath(value: Value | undefined): boolean {
  return value?.kind === 'string' && /^(?:\.{1,2}[/\\]|[/\\~]|[A-Za-z]:[/\\])|^\.{1,2}$/.test(value.value);
}

/** A commit of a Hub repository: 40 hex digits. Anything else written out (`"main"`, `"v1.0"`, `"refs/pr/3"`) can move. */
const COMMIT = /^[0-9a-f]{40}$/i;

/**
 * How the call's `revision=` fails to pin what it loads: absent, or a branch or tag written out.
 * A revision held in a variable is taken as a pin (its value is not known here).
 */
function revisionProblem(call: Call): string | undefined {
  if (!hasKeyword(call, 'revision')) return 'without a revision';
  const revision = call.keywords.revision;
  return revision?.kind === 'string' && !COMMIT.test(revision.value) ? `at revision '${revision.value}', a branch or tag that can move (not a commit)` : undefined;
}

/** The repository a call loads from the Hub without pinning it, or undefined. */
function unpinned(call: Call): string | undefined {
  if (!call.callee || call.spread || !revisionProblem(call)) return undefined;
  const [root] = call.callee.split('.');
  const name = lastSegment(call.callee);
  const first = call.args[0];
  // Only a repository named in the code is judged: a variable may as well hold a local checkpoint.
  const repo = (value: Value | undefined) => (value?.kind === 'string' && !isLocalPath(value) ? `'${value.value}'` : undefined);
  if (JS_HUB_PACKAGES.has(root!)) {
    if (name === 'from_pretrained') return repo(first);
    if (call.callee.endsWith('.pipeline') && call.args[1]) return repo(call.args[1]);
    return undefined;
  }
  if (call.callee === 'datasets.load_dataset') {
    const builder = first ?? call.keywords.path;
    return builder?.kind === 'string' && PACKAGED_BUILDERS.has(builder.value) ? undefined : repo(builder);
  }
  if (!HUB_PACKAGES.has(root!)) return undefined;
  if (name === 'from_pretrained') return repo(first ?? call.keywords.pretrained_model_name_or_path);
  if (name === 'hf_hub_download' || name === 'snapshot_download') return repo(first ?? call.keywords.repo_id);
  if (call.callee === 'sentence_transformers.SentenceTransformer') return repo(first ?? call.keywords.model_name_or_path);
  if (call.callee === 'transformers.pipeline') return call.keywords.model ? repo(call.keywords.model) : undefined;
  return undefined;
}

const rule: ScanRule = {
  meta: {
    id: 'RPV-D101',
    title: 'Hub datasets and models are pinned to a revision',
    category: 'data',
    severity: 'warning',
    weight: 6,
    languages: ['python', 'typescript'],
    description: 'Datasets and models read from the Hugging Face Hub without `revision=` set to a commit (a branch or tag such as `"main"` can move): `load_dataset(...)`, `….from_pretrained(...)` (transformers, diffusers, peft, sentence-transformers, …; transformers.js in TypeScript), `pipeline(model=...)`, `hf_hub_download`, `snapshot_download`. The repository must be named by a string (or a module-level constant): a variable may hold a local checkpoint. Local paths and load_dataset\'s file builders (csv, json, parquet, …) are not Hub reads.',
    why: 'A Hub repository is a moving branch: its owner can push new weights, a new tokenizer or a corrected dataset at any time, and the same script then trains or evaluates on something else without a trace.',
    fix: 'Pass the commit hash of the version you use (the Hub shows it on the repository\'s "Files and versions" tab; `huggingface_hub.model_info(repo).sha` prints it): `from_pretrained("bert-base-uncased", revision="<commit sha>")`, `load_dataset("imdb", revision="<commit sha>")`. A branch or tag name is not a pin.',
    example: {
      language: 'python',
      failing: 'from datasets import load_dataset\nfrom transformers import AutoModel\n\nds = load_dataset("imdb")\nmodel = AutoModel.from_pretrained("bert-base-uncased")\n',
      passing: 'from datasets import load_dataset\nfrom transformers import AutoModel\n\nds = load_dataset("imdb", revision="e6281661ce1c48d982bc483cf8a173c1bbeb5d31")\nmodel = AutoModel.from_pretrained("bert-base-uncased", revision="86b5e0934494bd15c9632b12f734a8a67f723594")\n',
    },
  },
  check({ facts }) {
    return facts.calls.flatMap((call) => {
      const repo = unpinned(call);
      return repo ? [callHit(call, `${call.written}() loads ${repo} from the Hugging Face Hub ${revisionProblem(call)}`)] : [];
    });
  },
};
export default rule;
