import { hasKeyword, isTrue, lastSegment, type Call } from '../../src/scan/facts.js';
import type { Flow } from '../../src/scan/flow.js';
import type { ScanRule } from '../../src/scan/rule.js';
import { callHit } from '../../src/scan/rule.js';

const PANDAS_READERS = new Set(['read_csv', 'read_table', 'read_json', 'read_parquet', 'read_excel', 'read_feather', 'read_pickle', 'read_orc', 'read_xml', 'read_html']);
const REMOTE = /^(?:https?|ftp|s3|gs|az|abfss?):\/\//i;

/** What the call downloads with no checksum of its own, or undefined. */
function download(call: Call): string | undefined {
  const callee = call.callee;
  if (!callee || call.spread) return undefined;
  const name = lastSegment(callee);
  const url = call.args[0]?.kind === 'string' ? `'${call.args[0].value}'` : '';
  switch (callee) {
    case 'requests.get':
    case 'httpx.get':
    case 'urllib.request.urlopen':
    case 'urllib.request.urlretrieve':
    case 'wget.download':
    case 'gdown.download':
    case 'fetch':
    case 'axios.get':
    case 'axios':
    case 'node-fetch':
      return `${callee}(${url})`;
    case 'torch.hub.load_state_dict_from_url':
      return isTrue(call.keywords.check_hash) ? undefined : `${callee}(${url})`;
    case 'torch.hub.download_url_to_file':
      return call.args[2] || hasKeyword(call, 'hash_prefix') ? undefined : `${callee}(${url})`;
    case 'pooch.retrieve':
      return (call.args[1] && call.args[1].kind !== 'none') || hasKeyword(call, 'known_hash') ? undefined : `${callee}(${url})`;
  }
  if (/^(?:tensorflow\.)?keras\.utils\.get_file$/.test(callee)) {
    return hasKeyword(call, 'file_hash') || hasKeyword(call, 'md5_hash') ? undefined : `${callee}()`;
  }
  if (callee === `pandas.${name}` && PANDAS_READERS.has(name) && call.args[0]?.kind === 'string' && REMOTE.test(call.args[0].value)) return `${callee}(${url})`;
  return undefined;
}

/** Node's own HTTP clients: `http.get`, `https.request`, … (`node:https` is `https`). */
const NODE_HTTP = /^https?\.(?:get|request)$/;

/** Writing a file: fs (and fs/promises, fs-extra, graceful-fs) writes and write streams, stream pipelines. */
function writesToDisk(call: Call): boolean {
  const callee = call.callee ?? '';
  return /^(?:fs|fs-extra|graceful-fs)(?:\.promises|\/promises)?\.(?:writeFile|writeFileSync|appendFile|appendFileSync|createWriteStream|outputFile|outputFileSync)$/.test(callee)
    || /^stream(?:\.promises|\/promises)?\.pipeline$/.test(callee);
}

/** Computing a digest: hashlib in Python, node:crypto or Web Crypto in JavaScript. */
function digests(call: Call): boolean {
  const callee = call.callee ?? '';
  return callee.startsWith('hashlib.') || callee === 'crypto.createHash' || callee === 'crypto.subtle.digest' || callee === 'pooch.file_hash';
}

/**
 * A response of Node's http(s) arrives in a callback, where it is usually hashed as it streams
 * (`res.on('data', (c) => hash.update(c))`) into a hash made just before the request: a digest
 * inside the request's callback, after it on that path, or made before it in the same function counts.
 */
function nodeDownloadVerified(request: Call, calls: readonly Call[], flow: Flow): boolean {
  // From the request's start: its callback's calls (and the functions they call) and what follows it.
  const start = { offset: request.offset, end: request.offset, scope: request.scope };
  return calls.some((c) => digests(c) && c.scope === request.scope && c.end <= request.offset) || flow.followedBy(start, digests);
}

const rule: ScanRule = {
  meta: {
    id: 'RPV-D102',
    title: 'Downloaded files are verified against a checksum',
    category: 'data',
    severity: 'warning',
    weight: 5,
    languages: ['python', 'typescript'],
    description: 'Downloads (requests.get, urllib, wget, gdown, pandas.read_csv("https://…") and the other pandas readers, torch.hub without check_hash, keras get_file without file_hash, pooch.retrieve without known_hash; fetch and axios in JavaScript, and Node\'s `http`/`https` `get`/`request` in a file that writes to disk with fs or a stream pipeline) with no digest computed after them on that path (hashlib, node:crypto createHash, crypto.subtle.digest; for http(s), also a hash made before the request in the same function or computed in its callback).',
    why: 'A URL names a place, not the content: the file behind it can be replaced, truncated or corrected between runs, and a rerun silently trains on different data.',
    fix: 'Verify what was downloaded against a known digest before using it (`hashlib.sha256(data).hexdigest() == EXPECTED`), use a downloader that does (`pooch.retrieve(url, known_hash="sha256:…")`, `get_file(..., file_hash=…)`), and record the input with its hash (`reprov record --input data/`).',
    example: {
      language: 'python',
      failing: 'import pandas as pd\n\ndf = pd.read_csv("https://example.org/data/train.csv")\n',
      passing: 'import pooch\nimport pandas as pd\n\npath = pooch.retrieve("https://example.org/data/train.csv", known_hash="sha256:0c5b3a3f6f0f5d0e7a3b8f9d1c2e4a6b8d0f2e4a6c8e0a2c4e6f8a0b2c4d6e8f")\ndf = pd.read_csv(path)\n',
    },
  },
  check({ facts, flow }) {
    // An http(s) request is a download when the file writes what it receives to disk; with no
    // file written it is taken for an API call.
    const writes = facts.language === 'typescript' && facts.calls.some(writesToDisk);
    return facts.calls.flatMap((call) => {
      if (call.callee && NODE_HTTP.test(call.callee) && !call.spread && writes) {
        if (nodeDownloadVerified(call, facts.calls, flow)) return [];
        const url = call.args[0]?.kind === 'string' ? `'${call.args[0].value}'` : '';
        return [callHit(call, `${call.callee}(${url}) downloads to disk with no checksum verified`)];
      }
      const what = download(call);
      if (!what || flow.followedBy(call, digests)) return [];
      return [callHit(call, `${what} downloads with no checksum verified after it`)];
    });
  },
};
export default rule;
