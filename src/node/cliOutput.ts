// What the headless runner prints: one JSON object per line (--json), or text for a person on a terminal.
import type { AgentEvent } from '../agent/loop';
import type { Logger } from '../host/logger';
import { stripTerminalControls, TerminalTextFilter } from './terminalText';

export function jsonPrinter(out: NodeJS.WritableStream) {
  const line = (o: unknown) => out.write(`${JSON.stringify(o)}\n`);
  return (e: AgentEvent) => {
    // Subagents' events are tagged with their label; batches always say whose they are.
    const from = e.agent ? { agent: e.agent } : {};
    if (e.type === 'batch') {
      line({
        type: 'batch',
        agent: e.agent ?? 'main',
        turn: e.log.turn,
        wallMs: e.log.wallMs,
        streamEndMs: e.log.streamEndMs,
        calls: e.log.calls.map((c) => ({ id: c.id, name: c.name, ms: c.ms, ok: c.ok, startMs: c.startMs, endMs: c.endMs, early: c.early, ...(c.error ? { error: c.error } : {}), ...(c.sharedWith ? { sharedWith: c.sharedWith } : {}) })),
      });
    } else if (e.type === 'subagent') line({ type: 'subagent', agent: e.agent, description: e.description, status: e.status, turns: e.turns });
    else if (e.type === 'retry') line({ type: 'retry', ...from, turn: e.turn, attempt: e.attempt, delayMs: e.delayMs, reason: e.reason });
    else if (e.type === 'notice') line({ type: 'notice', ...from, message: e.message });
    else if (e.type === 'compact') line({ type: 'compact', ...from, turn: e.turn, beforeTokens: e.beforeTokens, afterTokens: e.afterTokens, reason: e.reason });
    else if (e.type === 'done') {
      const o = e.outcome;
      if (o.status === 'final') line({ type: 'final', text: o.text, turns: o.turns, usage: o.usage });
      else line({ type: o.status === 'error' ? 'error' : o.status, reason: o.text, turns: o.turns, usage: o.usage, ...(o.error ? { kind: o.error.kind } : {}) });
    }
  };
}

/** Model and server text goes to a terminal here: escape sequences in it are stripped (newlines and tabs kept). */
export function humanPrinter(out: NodeJS.WritableStream, err: NodeJS.WritableStream) {
  let midLine = false;
  let text = new TerminalTextFilter();
  const clean = stripTerminalControls;
  return (e: AgentEvent) => {
    // A subagent's text is its own business: its answer reaches the main agent as the delegate result.
    if (e.agent && (e.type === 'text-delta' || e.type === 'turn-reset')) return;
    const who = e.agent ? `${clean(e.agent)} ` : '';
    switch (e.type) {
      case 'subagent':
        if (e.status === 'started') err.write(clean(`⇉ ${e.agent} started: ${e.description}`) + '\n');
        else err.write(clean(`${e.status === 'done' ? '✓' : '✗'} ${e.agent} ${e.status} after ${e.turns} turn(s)${e.status === 'failed' ? `: ${(e.text ?? '').split('\n')[0]}` : ''}`) + '\n');
        break;
      case 'text-delta': {
        const shown = text.push(e.text);
        if (!shown) break;
        out.write(shown);
        midLine = !shown.endsWith('\n');
        break;
      }
      case 'turn-reset':
        text = new TerminalTextFilter();
        if (midLine) out.write('\n');
        midLine = false;
        break;
      case 'batch': {
        const rest = text.end();
        if (midLine || rest) out.write(`${rest}\n`);
        midLine = false;
        const calls = e.log.calls.map((c) => clean(`${c.ok ? '✓' : '✗'} ${c.name} ${c.summary} ${Math.round(c.ms)}ms${c.ok ? '' : ` (${c.error})`}`));
        err.write(`▸ ${who}turn ${e.log.turn}: ${e.log.calls.length} call(s) in ${Math.round(e.log.wallMs)} ms\n  ${calls.join('\n  ')}\n`);
        break;
      }
      case 'retry':
        err.write(`… ${who}${clean(e.reason)}; retrying in ${(e.delayMs / 1000).toFixed(1)} s (attempt ${e.attempt})\n`);
        break;
      case 'notice':
        err.write(`! ${who}${clean(e.message)}\n`);
        break;
      case 'compact':
        err.write(`▸ ${who}context compacted (${e.reason}): ${e.beforeTokens} → ${e.afterTokens} tokens\n`);
        break;
      case 'done': {
        const rest = text.end();
        if (midLine || rest) out.write(`${rest}\n`);
        break;
      }
    }
  };
}

export function stderrLogger(err: NodeJS.WritableStream): Logger {
  const log = (level: string) => (m: string | Error, ...a: unknown[]) =>
    err.write(`[${level}] ${stripTerminalControls(`${m instanceof Error ? m.message : m}${a.length ? ` ${a.map((x) => JSON.stringify(x)).join(' ')}` : ''}`)}\n`);
  return { trace: log('trace'), debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
