// The reference's code-review scenario: 8 files x 3 tools = 24 calls. A scripted model asks for them the way a
// capable model would with parallel calls on (turn 1: 8 reads + 8 searches, turn 2: 8 test runs, turn 3: the review)
// and one call per turn when parallel calls are off. Shared by `npm run demo` and the benchmarks.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ToolDefinition } from '../../src/tools/tool';
import type { RecordedRequest } from './httpFake';
import type { ScriptedTurn } from './openaiServer';

export const REVIEW_FILES = 8;

export function reviewCalls(): { name: string; arguments: Record<string, unknown> }[][] {
  const files = Array.from({ length: REVIEW_FILES }, (_, i) => i);
  return [
    files.flatMap((i) => [
      { name: 'read_file', arguments: { path: `src/module${i}.ts` } },
      { name: 'search_workspace', arguments: { query: `from './module${i}'` } },
    ]),
    files.map((i) => ({ name: 'run_tests', arguments: { filter: `module${i}` } })),
  ];
}

/** The scripted model: decides the next turn from what the request already carries. */
export function reviewScript(modelLatencyMs: number) {
  const groups = reviewCalls();
  const all = groups.flat();
  return (req: RecordedRequest): ScriptedTurn => {
    const answered = (req.body.messages as { role: string }[]).filter((m) => m.role === 'tool').length;
    const parallel = req.body.parallel_tool_calls !== false;
    let calls: ScriptedTurn['calls'] = [];
    if (parallel) {
      let seen = 0;
      for (const g of groups) {
        if (answered === seen) {
          calls = g;
          break;
        }
        seen += g.length;
      }
    } else if (answered < all.length) calls = [all[answered]];
    // Usage as a server would count it: from what this request really carries (~4 characters a token).
    const usage = { prompt_tokens: Math.ceil(JSON.stringify(req.body).length / 4), completion_tokens: 40 * Math.max(1, calls.length) };
    if (calls.length) return { latencyMs: modelLatencyMs, calls, usage };
    return { latencyMs: modelLatencyMs, usage, text: `Reviewed ${REVIEW_FILES} files: read each, found their importers, ran their tests. All ${REVIEW_FILES} test runs passed; no blocking issues.` };
  };
}

/**
 * Writes the 8 modules, a caller for each, and a test command that takes `testMs`. The command is a shell `sleep`,
 * not a Node script: on a 2-core machine eight Node start-ups (~130 ms of CPU each) would measure process start-up
 * contention rather than the agent. (The filter arrives as the last, quoted argument, and is echoed.)
 */
export function writeReviewWorkspace(dir: string, testMs: number): string {
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  for (let i = 0; i < REVIEW_FILES; i++) {
    const body = Array.from({ length: 120 }, (_, l) => `  const v${l} = input * ${l} + ${i};`).join('\n');
    writeFileSync(path.join(dir, `src/module${i}.ts`), `export function compute${i}(input: number): number {\n${body}\n  return v119;\n}\n`);
    writeFileSync(path.join(dir, `src/use${i}.ts`), `import { compute${i} } from './module${i}';\nexport const r${i} = compute${i}(2);\n`);
  }
  if (process.platform === 'win32') {
    writeFileSync(path.join(dir, 'fake-test.js'), `setTimeout(() => console.log('1 passing: ' + (process.argv[2] || 'all')), ${testMs});\n`);
    return `node fake-test.js`;
  }
  return `sleep ${(testMs / 1000).toFixed(3)} && echo '1 passing:'`;
}

/**
 * Adds a fixed latency to a tool, to stand in for a slower disk, a remote workspace or a linter. The demo and the
 * benchmarks say so when they use it.
 */
export function withLatency(tool: ToolDefinition, ms: number): ToolDefinition {
  if (ms <= 0) return tool;
  return {
    ...tool,
    async execute(input, ctx) {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, ms);
        ctx.signal.addEventListener('abort', () => (clearTimeout(t), reject(ctx.signal.reason)), { once: true });
      });
      return tool.execute(input, ctx);
    },
  };
}
