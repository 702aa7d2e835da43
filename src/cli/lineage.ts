import { Argument, Option, type Command } from 'commander';
import { withOutput } from '../base/output.js';
import { note, withQuiet } from './flags.js';
import { openEndpoint, withEndpoint, type EndpointFlags } from './endpoint.js';

interface LineageFlags extends EndpointFlags {
  format: 'text' | 'json' | 'html';
  output?: string;
  cache: boolean;
}

/** `reprov lineage` (upstream) and `reprov impact` (downstream): one registration each, the same flags. */
export function registerLineage(program: Command): void {
  const commands = [
    { name: 'lineage', direction: 'upstream' as const, description: 'the upstream of a file or digest: the runs that generated it (inputs with digests, code state, params, seeds), and recursively the runs that generated their inputs', none: 'no run generated an entity with this digest' },
    { name: 'impact', direction: 'downstream' as const, description: 'the downstream of a file or digest: every run that used it, everything those runs generated, and recursively the runs that used those', none: 'no run used an entity with this digest' },
  ];
  for (const spec of commands) {
    withQuiet(withEndpoint(program
      .command(spec.name)
      .description(spec.description)
      .addArgument(new Argument('<target>', 'a file (its SHA-256 is computed) or a digest: 64 hex characters, or sha256:<hex>'))
      .addArgument(new Argument('[paths...]', 'bundle files or directories (searched for prov*.json/ttl/…)').default(['.'], '.'))
      .addOption(new Option('-f, --format <format>', 'output format: text (a tree), json (nested) or html (a self-contained page: the graph and the tree)').choices(['text', 'json', 'html']).default('text'))
      .option('-o, --output <file>', 'write the answer to a file (atomically) instead of standard output')
      .option('--no-cache', 'neither read nor write the parse cache (in the user cache directory, or $REPROV_CACHE_DIR)'), 'trace'), 'no notes (errors are still printed)')
      .action(async (target: string, paths: string[], flags: LineageFlags) => {
        const [{ resolveTarget, lineage, remoteLineage, renderTree, printable }, { defaultCacheDir }] = await Promise.all([import('../release/lineage.js'), import('../release/query-cache.js')]);
        const remote = await openEndpoint(flags, paths.length === 1 && paths[0] === '.' ? [] : paths);
        const resolved = await resolveTarget(target);
        const started = Date.now();
        const { result, loaded } = remote
          ? await remoteLineage(resolved.digest, remote, spec.direction)
          : await lineage(resolved.digest, paths, spec.direction, flags.cache ? { cacheDir: defaultCacheDir() } : {});
        if (resolved.file !== undefined) result.file = resolved.file;
        for (const path of loaded.empty) process.stderr.write(`reprov: ${printable(path)}: no bundle found (prov*.json, prov*.ttl, … or *.provjson)\n`);
        for (const error of loaded.errors) process.stderr.write(`reprov: ${printable(error.message)}\n`);
        if (!result.runs.length) {
          // A server with no run graph: nothing was searched (a local search with no bundle has said so above).
          if (remote && !loaded.graphs) process.stderr.write(`reprov: ${remote.name}: no run (mls:Run) in the graphs\n`);
          if (loaded.graphs) process.stderr.write(`reprov: sha256:${result.digest}${resolved.file !== undefined ? ` (${printable(resolved.file)})` : ''}: ${spec.none} in the ${loaded.graphs} ${remote ? `graph${loaded.graphs === 1 ? '' : 's'} of ${remote.name}` : `bundle${loaded.graphs === 1 ? '' : 's'} found`}\n`);
          process.exitCode = 2;
          return;
        }
        const output = flags.format === 'html' ? await (await import('../release/report-page/lineage-page.js')).lineageReport(result)
          : flags.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderTree(result);
        await withOutput(flags.output, async (sink) => sink.write(output));
        note(`${loaded.graphs} ${remote ? 'graph' : 'bundle'}${loaded.graphs === 1 ? '' : 's'}${loaded.cached ? ` (${loaded.cached} from the cache)` : ''} (${((Date.now() - started) / 1000).toFixed(2)} s)`);
        process.exitCode = loaded.errors.length || loaded.empty.length ? 2 : 0;
      });
  }
}
