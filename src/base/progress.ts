/**
 * The progress bar of long work (hashing large data, for record, verify and import): drawn on
 * standard error only when it is a terminal, at most 10 times a second, and erased when the work
 * ends. Piped or redirected output never gets one, nor does a command run with `-q`
 * ({@link disableProgress}).
 *
 *     reprov: hashing data/train.bin [##########..........]  50% 512/1024 MiB 830 MB/s
 */

/** What one line of the bar shows. */
export interface ProgressState {
  /** What is being worked on (a path); shortened from the left to fit. */
  label: string;
  /** Bytes done and to do. */
  done: number;
  total: number;
  /** Time since the work began. */
  elapsedMs: number;
  /** Width of the terminal (default 80). */
  columns?: number;
  /** What is being done (default `hashing`). */
  verb?: string;
}

const MIB = 1024 * 1024;

/** One line of the bar, shorter than `columns`: label, bar, percentage, MiB done/total and rate. */
export function formatProgressLine(state: ProgressState): string {
  const { done, total } = state;
  const columns = state.columns && state.columns > 0 ? state.columns : 80;
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  const seconds = Math.max(0.001, state.elapsedMs / 1000);
  const mib = (n: number) => (n / MIB).toFixed(0);
  const rate = `${(done / 1e6 / seconds).toFixed(0)} MB/s`;
  const tail = ` ${(fraction * 100).toFixed(0).padStart(3)}% ${mib(done)}/${mib(total)} MiB ${rate}`;
  const head = `reprov: ${state.verb ?? 'hashing'} `;
  const room = columns - 1 - tail.length - ' []'.length - head.length;
  const width = Math.max(10, Math.min(40, room - Math.min(state.label.length, 30)));
  const labelRoom = Math.max(8, room - width);
  const label = state.label.length > labelRoom ? `...${state.label.slice(-(labelRoom - 3))}` : state.label;
  const filled = Math.round(width * fraction);
  const line = `${head}${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}]${tail}`;
  return line.slice(0, columns - 1);
}

let enabled = true;

/** No progress bar from now on in this process (`-q`). */
export function disableProgress(): void {
  enabled = false;
}

/** Where a bar is drawn: standard error, or a stand-in in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** Whether a bar may be drawn on `stream`: a terminal, and progress not disabled. */
export function progressAllowed(stream: ProgressStream = process.stderr): boolean {
  return enabled && Boolean(stream.isTTY);
}

/** A bar over `total` bytes; draws nothing unless `show` and {@link progressAllowed}. */
export class ProgressBar {
  private done = 0;
  private lastDraw = 0;
  private drawn = false;
  private readonly started = Date.now();
  private readonly active: boolean;
  private readonly stream: ProgressStream;
  private readonly verb: string | undefined;

  constructor(
    private readonly total: number,
    private readonly label: string,
    options: { show?: boolean; verb?: string; stream?: ProgressStream } = {},
  ) {
    this.stream = options.stream ?? process.stderr;
    this.verb = options.verb;
    this.active = (options.show ?? true) && progressAllowed(this.stream);
  }

  /** Whether this bar draws at all. */
  get visible(): boolean {
    return this.active;
  }

  add(bytes: number): void {
    this.done += bytes;
    if (!this.active) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && this.done < this.total) return;
    this.lastDraw = now;
    const line = formatProgressLine({ label: this.label, done: this.done, total: this.total, elapsedMs: now - this.started, columns: this.stream.columns, verb: this.verb });
    this.stream.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }

  /** Erases the bar (when one was drawn). */
  end(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
