// Plain-text searches that arrive together share one ripgrep run. A review batch asks for eight searches at once, and
// each ripgrep process costs a fork of the host process (the parent's event loop is blocked until the child has
// exec'd: 15-300 ms on a loaded 2-core machine, more for a large extension host) and ~25 ms of CPU that the batch's
// test runs need. One run with every query as its own `--regexp` finds the union of their lines; each line then goes
// to the queries it contains (a fixed string matches a line exactly when the line contains it), so every search gets
// the lines its own run would have found, with its own limit and its own note about binary files.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { binaryNote, rgSearch, searchArgv, toPosix, type RgMatch, type RgSearchArgs, type RgSearchResult } from './ripgrep';
import { decodeLine } from './textCodec';

/**
 * Matching lines that only searches already answered still want, past which a shared run stops and each search
 * still open runs alone: one query that matches everything must not make the others parse a whole tree's lines.
 */
const SPILL_LINES = 2000;

interface Member {
  cwd: string;
  args: RgSearchArgs;
  signal?: AbortSignal;
  needle: Buffer;
  items: RgMatch[];
  /** The current file's matches, kept until its end says whether it was binary (as rgSearch does). */
  pending: RgMatch[];
  binary: string[];
  open: boolean;
  resolve: (r: RgSearchResult) => void;
  reject: (e: unknown) => void;
  onAbort: () => void;
}

export class RipgrepSearcher {
  private queue: Member[] = [];

  constructor(private readonly rgPath: string) {}

  /**
   * rgSearch's answer for this search. A regular expression runs alone (ripgrep's regex syntax is not JavaScript's,
   * so its lines could not be attributed exactly); plain text waits for the end of the current event-loop turn and
   * runs with the other plain-text searches of the same folder and globs that arrived meanwhile.
   */
  search(cwd: string, args: RgSearchArgs, signal?: AbortSignal): Promise<RgSearchResult> {
    if (args.isRegex || /[\n\0]/.test(args.query)) return rgSearch(this.rgPath, cwd, args, signal);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const member: Member = { cwd, args, signal, needle: Buffer.from(args.query), items: [], pending: [], binary: [], open: true, resolve, reject, onAbort: () => undefined };
      member.onAbort = () => settle(member, () => reject(signal!.reason));
      signal?.addEventListener('abort', member.onAbort, { once: true });
      if (!this.queue.length) setImmediate(() => this.flush());
      this.queue.push(member);
    });
  }

  private flush(): void {
    const groups = new Map<string, Member[]>();
    for (const m of this.queue.splice(0)) {
      if (!m.open) continue;
      const key = JSON.stringify([m.cwd, m.args.globs, m.args.searchPath]);
      groups.set(key, [...(groups.get(key) ?? []), m]);
    }
    for (const group of groups.values()) {
      if (group.length === 1) alone(this.rgPath, group[0]);
      else shared(this.rgPath, group);
    }
  }
}

/** Answers a search once: later answers (an abort after the result, the run's close) are ignored. */
function settle(m: Member, answer: () => void): void {
  if (!m.open) return;
  m.open = false;
  m.signal?.removeEventListener('abort', m.onAbort);
  answer();
}

/** The search on its own, exactly as rgSearch runs it (also how a shared run that cannot finish hands it back). */
function alone(rgPath: string, m: Member): void {
  settle(m, () => void rgSearch(rgPath, m.cwd, m.args, m.signal).then(m.resolve, m.reject));
}

function result(m: Member, truncated: boolean): RgSearchResult {
  return m.binary.length ? { items: m.items, truncated, notes: [binaryNote(m.binary)] } : { items: m.items, truncated };
}

function shared(rgPath: string, members: Member[]): void {
  const { cwd, args } = members[0];
  const queries = [...new Set(members.map((m) => m.args.query))];
  const child = spawn(rgPath, searchArgv({ queries, isRegex: false, globs: args.globs, searchPath: args.searchPath }), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  // Either way it ends, this run's own process must not outlive the searches it serves.
  const stopIfDone = () => {
    if (!members.some((m) => m.open)) child.kill();
  };
  for (const m of members) {
    const own = m.onAbort;
    m.onAbort = () => {
      own();
      stopIfDone();
    };
  }
  let spill = 0;
  let gaveUp = false;
  const lines = createInterface({ input: child.stdout });
  child.stderr.resume();
  lines.on('line', (line) => {
    if (gaveUp) return;
    if (line.startsWith('{"type":"begin"')) {
      for (const m of members) m.pending = [];
    } else if (line.startsWith('{"type":"match"')) {
      const { data } = JSON.parse(line) as { data: { path: { text?: string }; line_number: number; lines: { text?: string; bytes?: string } } };
      if (data.path.text === undefined) return;
      const raw = data.lines.text === undefined ? Buffer.from(data.lines.bytes ?? '', 'base64') : undefined;
      const text = (data.lines.text ?? decodeLine(raw!)).replace(/\r?\n$/, '');
      let wanted = false;
      for (const m of members) {
        if (!(raw ? raw.includes(m.needle) : data.lines.text!.includes(m.args.query))) continue;
        if (m.open) {
          m.pending.push({ path: toPosix(data.path.text), line: data.line_number, text });
          wanted = true;
        }
      }
      if (!wanted && ++spill > SPILL_LINES) {
        gaveUp = true;
        child.kill();
      }
    } else if (line.startsWith('{"type":"end"')) {
      const { data } = JSON.parse(line) as { data: { path: { text?: string }; binary_offset: number | null } };
      for (const m of members) {
        if (!m.open) continue;
        if (data.binary_offset === null) m.items.push(...m.pending);
        else if (m.pending.length && data.path.text !== undefined) m.binary.push(toPosix(data.path.text));
        m.pending = [];
        if (m.items.length > m.args.limit) {
          m.items.length = m.args.limit;
          settle(m, () => m.resolve(result(m, true)));
        }
      }
      stopIfDone();
    }
  });
  let failed = false;
  child.on('error', () => (failed = true));
  child.on('close', (code) => {
    // 1 = no matches; 2 = some files unreadable (a result only for a search that found something, as alone).
    for (const m of members) {
      const complete = !failed && !gaveUp && (code === 0 || code === 1 || (code === 2 && m.items.length > 0));
      if (complete) settle(m, () => m.resolve(result(m, false)));
      else alone(rgPath, m);
    }
  });
}
