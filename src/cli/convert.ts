import { Option, type Command } from 'commander';
import { formatDiagnostic } from '../base/diagnostics.js';
import { FORMATS, formatFromPath, parseFormatName, type Format } from '../io/formats.js';
import { withOutput } from '../base/output.js';
import { PathError } from '../base/user-error.js';
import { statSync } from 'node:fs';
import { UsageError } from './errors.js';
import { deprecatedOption, setTo } from './flags.js';

const FORMAT_NAMES = FORMATS.map((f) => f.format);

interface ConvertFlags {
  from?: string;
  to?: string;
  output?: string;
  lenient?: boolean;
  shortcuts?: boolean;
  mergeBundles?: boolean;
  namespaceBase?: string;
  quiet?: boolean;
}

function format(name: string, flag: string): Format {
  const format = parseFormatName(name);
  if (!format) throw new UsageError(`${flag}: unknown format '${name}'; expected one of ${FORMAT_NAMES.join(', ')}`);
  return format;
}

export function registerConvert(program: Command): void {
  const command = program.command('convert');
  // `-f` was `--from` here; everywhere else it is `--format` (docs/cli.md).
  deprecatedOption(command, '-f <format>', '--from', setTo('from'));
  command
    .description('convert provenance between PROV-JSON and PROV-O RDF (Turtle, N-Triples, N-Quads, TriG, JSON-LD)')
    .argument('<input>', 'input file, or - for standard input')
    .addOption(new Option('--from <format>', 'input format (default: from the extension, then the content)'))
    .addOption(new Option('-t, --to <format>', `output format: ${FORMAT_NAMES.join(', ')} (default: from the -o extension)`))
    .option('-o, --output <file>', 'output file, written atomically (default: standard output)')
    .option('--lenient', 'convert what can be converted and list what was skipped, instead of failing')
    .option('--shortcuts', 'also write unqualified triples (:a prov:used :e) beside qualified relations')
    .option('--merge-bundles', 'merge bundles into one graph when the output format has no named graphs')
    .option('--namespace-base <iri>', 'resolve namespaces that are not absolute IRIs against this IRI (default: urn:reprov:ns:<value>:)')
    .option('-q, --quiet', 'do not print warnings')
    .action(async (input: string, flags: ConvertFlags) => {
      // `-o somedir` is a place that cannot be written, whatever the format: said first, as withOutput says it.
      if (flags.output && flags.output !== '-' && statSync(flags.output, { throwIfNoEntry: false })?.isDirectory()) {
        throw new PathError(flags.output, 'EISDIR', 'is a directory (name a file to write)');
      }
      // Graphviz DOT is a drawing, not a PROV serialisation: written from the graph read, never read back.
      if (flags.to?.toLowerCase() === 'dot' || (!flags.to && /\.(dot|gv)$/i.test(flags.output ?? ''))) {
        const [{ readInputText: readText, refuseEmpty: refuse, readProv }, { toDot }] = await Promise.all([import('../io/read.js'), import('../io/dot.js')]);
        const text = await readText(input, { lenient: flags.lenient });
        refuse(text, input === '-' ? '<stdin>' : input);
        const read = await readProv(text, { format: flags.from ? format(flags.from, '--from') : input === '-' ? undefined : formatFromPath(input), file: input === '-' ? '<stdin>' : input, lenient: flags.lenient, namespaceBase: flags.namespaceBase });
        await withOutput(flags.output, async (sink) => sink.write(toDot(read.quads, read.prefixes)));
        return;
      }
      const to = flags.to ? format(flags.to, '--to') : flags.output ? formatFromPath(flags.output) : undefined;
      if (!to) throw new UsageError('convert: say the output format with -t FORMAT (or an -o file with a known extension)');
      const from = flags.from ? format(flags.from, '--from') : undefined;
      const options = {
        to,
        format: from ?? (input === '-' ? undefined : formatFromPath(input)),
        file: input === '-' ? '<stdin>' : input,
        lenient: flags.lenient,
        shortcuts: flags.shortcuts,
        mergeBundles: flags.mergeBundles,
        namespaceBase: flags.namespaceBase,
      };
      const { convertFile, convertTo } = await import('../convert.js');
      const encodingWarnings: import('../base/diagnostics.js').Diagnostic[] = [];
      let report;
      if (input === '-') {
        const { readInputText, refuseEmpty } = await import('../io/read.js');
        const text = await readInputText(input, { lenient: flags.lenient, warnings: encodingWarnings });
        refuseEmpty(text, '<stdin>');
        report = await withOutput(flags.output, (sink) => convertTo(text, sink, options));
      } else {
        report = await withOutput(flags.output, (sink) => convertFile(input, sink, options));
      }
      if (!flags.quiet) for (const warning of [...encodingWarnings, ...report.warnings]) process.stderr.write(`warning: ${formatDiagnostic(warning)}\n`);
      for (const skipped of report.skipped) process.stderr.write(`skipped: ${formatDiagnostic(skipped)}\n`);
      if (report.skipped.length) process.stderr.write(`reprov: converted with ${report.skipped.length} part(s) skipped (--lenient)\n`);
    });
}
