/** `--endpoint` (query, runs, lineage, impact, push) and `reprov push`. */
import type { Command } from 'commander';
import { withQuiet, note } from './flags.js';
import { wholeNumber } from './numbers.js';
import { UsageError } from './errors.js';
import type { SparqlSource } from '../release/sparql-source.js';

export interface EndpointFlags {
  endpoint?: string;
  timeout?: string;
}

const DEFAULT_TIMEOUT = 60;
const DEFAULT_JOBS = 4;

/** Adds --endpoint and --timeout to a command. */
export function withEndpoint(command: Command, what: string): Command {
  return command
    .option('--endpoint <url>', `${what} on this SPARQL 1.1 query service instead of the bundles read here (credentials: REPROV_ENDPOINT_USER and REPROV_ENDPOINT_PASSWORD, or REPROV_ENDPOINT_TOKEN; see docs/servers.md)`)
    .option('--timeout <seconds>', `seconds to wait for each answer of the endpoint (default: ${DEFAULT_TIMEOUT})`);
}

/** The endpoint the flags name (checked before any work), or undefined; paths other than the default are refused beside it. */
export async function openEndpoint(flags: EndpointFlags, paths: readonly string[] = []): Promise<SparqlSource | undefined> {
  const timeout = wholeNumber(flags.timeout, '--timeout', 1) ?? DEFAULT_TIMEOUT;
  if (flags.endpoint === undefined) return undefined;
  if (paths.length) throw new UsageError(`--endpoint: the bundles are on the server: give no paths (${paths.join(', ')})`);
  const { Endpoint, endpointUrl, remoteSource } = await import('../release/endpoint.js');
  return remoteSource(new Endpoint(endpointUrl(flags.endpoint, '--endpoint'), { timeout }));
}

interface PushFlags extends EndpointFlags {
  graphStore?: string;
  jobs?: string;
  cache: boolean;
}

export function registerPush(program: Command): void {
  withQuiet(program
    .command('push')
    .description('load every bundle found into a SPARQL 1.1 server, one named graph each (its file: URL, as reprov query names it), with the Graph Store HTTP Protocol: pushing again replaces the graphs')
    .argument('<paths...>', 'bundle files or directories (searched for prov*.json/ttl/…)')
    .requiredOption('--endpoint <url>', 'the server\'s SPARQL query URL (credentials: REPROV_ENDPOINT_USER and REPROV_ENDPOINT_PASSWORD, or REPROV_ENDPOINT_TOKEN; see docs/servers.md)')
    .option('--graph-store <url>', 'the Graph Store Protocol URL (default: derived from --endpoint for Virtuoso, Fuseki, Oxigraph server, GraphDB)')
    .option('--timeout <seconds>', `seconds to wait for each answer of the server (default: ${DEFAULT_TIMEOUT})`)
    .option('-j, --jobs <n>', `graphs sent at once (default: ${DEFAULT_JOBS})`)
    .option('--no-cache', 'neither read nor write the parse cache (in the user cache directory, or $REPROV_CACHE_DIR)'), 'no notes (errors are still printed)')
    .action(async (paths: string[], flags: PushFlags) => {
      const timeout = wholeNumber(flags.timeout, '--timeout', 1) ?? DEFAULT_TIMEOUT;
      const jobs = wholeNumber(flags.jobs, '--jobs', 1, 64) ?? DEFAULT_JOBS;
      const [{ Endpoint, endpointUrl, graphStoreOf }, { pushBundles }, { BundleCache, defaultCacheDir }] = await Promise.all([
        import('../release/endpoint.js'), import('../release/push.js'), import('../release/query-cache.js'),
      ]);
      const endpoint = new Endpoint(endpointUrl(flags.endpoint!, '--endpoint'), { timeout });
      const store = flags.graphStore !== undefined ? endpointUrl(flags.graphStore, '--graph-store') : graphStoreOf(endpoint.url);
      if (!store) throw new UsageError(`--endpoint: ${endpoint.display(endpoint.url)}: cannot tell its Graph Store Protocol URL: give --graph-store`);
      if (store.origin !== endpoint.url.origin) throw new UsageError(`--graph-store: ${endpoint.display(store)} is not on the endpoint's host (${endpoint.url.origin}): credentials go only to one host`);
      const started = Date.now();
      const result = await pushBundles(endpoint, paths, { store, jobs, ...(flags.cache && { cache: new BundleCache(defaultCacheDir()) }) });
      for (const path of result.empty) process.stderr.write(`reprov: ${path}: no bundle found (prov*.json, prov*.ttl, … or *.provjson)\n`);
      for (const error of result.errors) process.stderr.write(`reprov: ${error.message}\n`);
      note(`${result.pushed} bundle${result.pushed === 1 ? '' : 's'}${result.cached ? ` (${result.cached} from the cache)` : ''}, ${result.triples} triples pushed to ${endpoint.display(store)} (${((Date.now() - started) / 1000).toFixed(2)} s)`);
      // Nothing pushed is not a success.
      process.exitCode = result.errors.length || result.empty.length || !result.pushed ? 2 : 0;
    });
}
