// The subagent review benchmark's scripted model: 16 modules reviewed either by one agent or by 4 subagents of 4
// modules each. Every agent, main or sub, takes turns of the same shape: one module's current step per turn, its
// independent calls batched (read the module and search its callers together; then read the caller and the test
// together; then run its tests). A step depends on what the previous one found, so a module is 3 round trips
// whoever reviews it; what subagents change is that four agents take their round trips at the same time.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RecordedRequest } from './httpFake';
import type { ScriptedCall, ScriptedTurn } from './openaiServer';
import { isSubagentRequest, stepOf, taskText } from './subagentScript';

export const REVIEW_MODULES = 16;
export const SUBAGENT_COUNT = 4;

const MARK = 'REVIEW-MODULES ';
const DELEGATE_MARK = 'DELEGATE-REVIEW';

const moduleIds = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The single agent's prompt: every module. */
export const singleReviewPrompt = () => reviewPrompt(moduleIds(REVIEW_MODULES));
/** The parent's prompt when it hands the modules to subagents. */
export const delegatingReviewPrompt = () => `Review the ${REVIEW_MODULES} modules in src/ with ${SUBAGENT_COUNT} subagents. ${DELEGATE_MARK}`;

function reviewPrompt(ids: readonly number[]): string {
  return `Review these modules: read each, find and read its caller and its test, run its tests.\n${MARK}${JSON.stringify(ids)}`;
}

/** The steps of one module, in order; the calls of a step go out together in one turn. */
function moduleSteps(i: number): ScriptedCall[][] {
  return [
    [
      { name: 'read_file', arguments: { path: `src/module${i}.ts` } },
      { name: 'search_workspace', arguments: { query: `from './module${i}'` } },
    ],
    [
      { name: 'read_file', arguments: { path: `src/use${i}.ts` } },
      { name: 'read_file', arguments: { path: `test/module${i}.test.ts` } },
    ],
    [{ name: 'run_tests', arguments: { filter: `module${i}` } }],
  ];
}

/** Model round trips an agent reviewing `modules` modules takes: 3 per module and its answer. */
export const reviewerRoundTrips = (modules: number) => modules * moduleSteps(0).length + 1;

/** The scripted model for both sides; each request says which agent sends it and how far it got. */
export function subagentReviewScript(modelLatencyMs: number) {
  return (req: RecordedRequest): ScriptedTurn => {
    const step = stepOf(req);
    const task = taskText(req);
    // A fixed answer size: the speedup must not come from shorter answers.
    const usage = { prompt_tokens: Math.ceil(JSON.stringify(req.body).length / 4), completion_tokens: 40 };
    if (!isSubagentRequest(req) && task.includes(DELEGATE_MARK)) {
      if (step > 0) return { latencyMs: modelLatencyMs, usage, text: `All ${REVIEW_MODULES} modules reviewed by ${SUBAGENT_COUNT} subagents; no blocking issues.` };
      const per = REVIEW_MODULES / SUBAGENT_COUNT;
      const calls = moduleIds(SUBAGENT_COUNT).map((s): ScriptedCall => {
        const ids = moduleIds(per).map((k) => s * per + k);
        // canEdit: running tests is part of the review, and only edit-capable subagents may run them.
        return { name: 'delegate', arguments: { prompt: reviewPrompt(ids), description: `review modules ${ids[0]}-${ids[ids.length - 1]}`, canEdit: true } };
      });
      return { latencyMs: modelLatencyMs, usage, calls };
    }
    const at = task.indexOf(MARK);
    if (at < 0) throw new Error(`subagent review script: a request without a task: ${task.slice(0, 80)}`);
    const ids = JSON.parse(task.slice(at + MARK.length)) as number[];
    const steps = ids.flatMap(moduleSteps);
    if (step < steps.length) return { latencyMs: modelLatencyMs, usage, calls: steps[step] };
    return { latencyMs: modelLatencyMs, usage, text: `Reviewed modules ${ids.join(', ')}: read each with its caller and test, ran its tests; all passed.` };
  };
}

/** Writes the 16 modules, a caller and a test file for each; returns a test command that takes `testMs` (a shell sleep). */
export function writeSubagentReviewWorkspace(dir: string, testMs: number): string {
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  mkdirSync(path.join(dir, 'test'), { recursive: true });
  for (const i of moduleIds(REVIEW_MODULES)) {
    const body = Array.from({ length: 120 }, (_, l) => `  const v${l} = input * ${l} + ${i};`).join('\n');
    writeFileSync(path.join(dir, `src/module${i}.ts`), `export function compute${i}(input: number): number {\n${body}\n  return v119;\n}\n`);
    writeFileSync(path.join(dir, `src/use${i}.ts`), `import { compute${i} } from './module${i}';\nexport const r${i} = compute${i}(2);\n`);
    writeFileSync(path.join(dir, `test/module${i}.test.ts`), `import { compute${i} } from '../src/module${i}';\nit('computes', () => compute${i}(1));\n`);
  }
  if (process.platform === 'win32') {
    writeFileSync(path.join(dir, 'fake-test.js'), `setTimeout(() => console.log('1 passing: ' + (process.argv[2] || 'all')), ${testMs});\n`);
    return 'node fake-test.js';
  }
  return `sleep ${(testMs / 1000).toFixed(3)} && echo '1 passing:'`;
}
