import { Writable } from 'node:stream';
import { main } from '../../src/cli';

function sink() {
  let text = '';
  const stream = new Writable({ write(chunk, _enc, cb) { text += chunk; cb(); } });
  return { stream, get text() { return text; } };
}

/**
 * Runs the headless runner in-process with captured output. Keys of every provider are cleared first, so a key in
 * the developer's environment cannot leak into a test; `env` then sets what the test needs.
 */
export async function runCli(args: string[], env: Record<string, string> = {}) {
  const out = sink();
  const err = sink();
  const saved = { ...process.env };
  Object.assign(process.env, { OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', GEMINI_API_KEY: '', GOOGLE_API_KEY: '' }, env);
  try {
    const code = await main(args, { out: out.stream, err: err.stream });
    const lines = () => out.text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    return { code, out: out.text, err: err.text, lines: args.includes('--json') ? lines() : [] };
  } finally {
    process.env = saved;
  }
}
