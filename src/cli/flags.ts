/**
 * The flag conventions every command follows (docs/cli.md): `-q, --quiet`, repeatable options, and
 * the old spellings kept as hidden, deprecated aliases that warn once on stderr.
 */
import { Option, type Command } from 'commander';
import { disableProgress } from '../base/progress.js';

/** The parser of a repeatable option: each use adds one value (no `[]` default shown in help). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The deprecation warning, one line on stderr. */
export function warnDeprecated(old: string, replacement: string): void {
  process.stderr.write(`reprov: warning: ${old} is deprecated; use ${replacement}\n`);
}

/**
 * Adds `flags` (e.g. `'--json'`, `'-f <format>'`) to `command` as a hidden option that still
 * works: when it is given, the warning is printed (once) and `apply` maps its value onto the
 * option that replaces it.
 */
export function deprecatedOption(
  command: Command,
  flags: string,
  replacement: string,
  apply: (value: unknown, command: Command) => void,
  parse?: (value: string, previous: unknown) => unknown,
): Command {
  const option = new Option(flags).hideHelp();
  if (parse) option.argParser(parse);
  command.addOption(option);
  let warned = false;
  command.on(`option:${option.name()}`, (value: unknown) => {
    if (!warned) warnDeprecated(option.long ?? option.short ?? flags, replacement);
    warned = true;
    apply(value, command);
  });
  return command;
}

/** Appends `value` to the repeatable option `name` of `command`. */
export function appendTo(name: string): (value: unknown, command: Command) => void {
  return (value, command) => {
    const previous = (command.getOptionValue(name) as string[] | undefined) ?? [];
    command.setOptionValueWithSource(name, [...previous, String(value)], 'cli');
  };
}

/** Sets the option `name` of `command` to `value` (or to the alias's own value). */
export function setTo(name: string, value?: unknown): (given: unknown, command: Command) => void {
  return (given, command) => command.setOptionValueWithSource(name, value === undefined ? given : value, 'cli');
}

let quiet = false;

/** Whether `-q` was given: no notes, warnings or progress (errors and results are still printed). */
export function isQuiet(): boolean {
  return quiet;
}

/** Adds `-q, --quiet` to `command`; when given, notes, warnings and progress bars are not printed. */
export function withQuiet(command: Command, what = 'do not print notes, warnings or progress (errors are still printed)'): Command {
  return command.option('-q, --quiet', what).hook('preAction', (_command, action) => {
    if (action.opts().quiet) {
      quiet = true;
      disableProgress();
    }
  });
}

/** A note on stderr (`reprov: ...`), unless `-q`. */
export function note(line: string): void {
  if (!quiet) process.stderr.write(`reprov: ${line}\n`);
}
