// The seed's review: take the diff, then for every changed file read it, blame it and lint it, all in one batch.
// A generated git repository with 8 committed modules, each changed in the working tree by a second author's edit.
// Turn 1: git_diff; turn 2: read_file + git_blame + get_diagnostics per file (24 calls); turn 3: the review. With
// parallel calls off the model asks for the same 25 calls one per turn. Shared by `npm run demo -- --review` and the
// benchmarks.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RecordedRequest } from './httpFake';
import type { ScriptedTurn } from './openaiServer';
import { REVIEW_FILES } from './reviewScenario';

export function seedReviewCalls(): { name: string; arguments: Record<string, unknown> }[][] {
  const files = Array.from({ length: REVIEW_FILES }, (_, i) => `src/module${i}.ts`);
  return [
    [{ name: 'git_diff', arguments: {} }],
    files.flatMap((p) => [
      { name: 'read_file', arguments: { path: p } },
      { name: 'git_blame', arguments: { path: p } },
      { name: 'get_diagnostics', arguments: { path: p } },
    ]),
  ];
}

export function seedReviewScript(modelLatencyMs: number) {
  const groups = seedReviewCalls();
  const all = groups.flat();
  return (req: RecordedRequest): ScriptedTurn => {
    const answered = (req.body.messages as { role: string }[]).filter((m) => m.role === 'tool').length;
    const parallel = req.body.parallel_tool_calls !== false;
    let calls: ScriptedTurn['calls'] = [];
    if (parallel) calls = answered === 0 ? groups[0] : answered === groups[0].length ? groups[1] : [];
    else if (answered < all.length) calls = [all[answered]];
    if (calls.length) return { latencyMs: modelLatencyMs, calls, usage: { prompt_tokens: 1500 + answered * 200, completion_tokens: 30 * calls.length } };
    return {
      latencyMs: modelLatencyMs,
      text: `Review of ${REVIEW_FILES} changed files: each changes one constant (Bob Builder, uncommitted, on lines first written by Alice Example); the linter reports no problems. Approve.`,
    };
  };
}

/**
 * Commits 8 modules as one author, then changes each in the working tree. Returns the lint command get_diagnostics
 * runs: a shell `sleep` of `lintMs` (a linter's cost, without eight Node start-ups competing for two cores).
 */
export function writeSeedReviewRepo(dir: string, lintMs: number): string {
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 'Alice Example', GIT_AUTHOR_EMAIL: 'alice@example.com', GIT_COMMITTER_NAME: 'Alice Example', GIT_COMMITTER_EMAIL: 'alice@example.com', GIT_CONFIG_NOSYSTEM: '1' } });
  const body = (i: number, k: number) => `export function compute${i}(input: number): number {\n${Array.from({ length: 80 }, (_, l) => `  const v${l} = input * ${l} + ${l === 40 ? k : i};`).join('\n')}\n  return v79;\n}\n`;
  for (let i = 0; i < REVIEW_FILES; i++) writeFileSync(path.join(dir, `src/module${i}.ts`), body(i, i));
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'modules');
  for (let i = 0; i < REVIEW_FILES; i++) writeFileSync(path.join(dir, `src/module${i}.ts`), body(i, i + 100));
  return process.platform === 'win32' ? `node -e "setTimeout(()=>console.log('0 problems'),${lintMs})"` : `sleep ${(lintMs / 1000).toFixed(3)} && echo '0 problems'`;
}
