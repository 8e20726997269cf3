// Facts shared by the fake model's scenarios (driver side) and the tests that check their effects (host side).

/** The math.js edits of the `parallel` scenario: each oldText exists only after the previous edit is applied, so
 *  all three succeeding proves they were applied in model order. */
export const MATH_EDITS = [
  { oldText: 'return a + b;', newText: 'return a + b; // edit 1' },
  { oldText: '// edit 1', newText: '// edit 1, edit 2' },
  { oldText: 'edit 1, edit 2', newText: 'edit 1, edit 2, edit 3' },
];

export const HELLO_ANSWER = 'Hello from the fake model. This answer arrives in small chunks.';
export const NOTES_TEXT = '# Notes\n\nWritten by the fake model.\n';

/** A plain prompt that selects the `review` scenario without a marker (it is in the README's screenshot). */
export const REVIEW_PROMPT = 'Add a subtract function, make the greeting friendlier and raise the retries to 5.';

/** The `review` scenario's edits: one per file, so the changed-files list has three entries to keep or undo. */
export const REVIEW_EDITS = [
  { path: 'src/math.js', oldText: 'function multiply(a, b) {', newText: 'function subtract(a, b) {\n  return a - b;\n}\n\nfunction multiply(a, b) {' },
  { path: 'src/greet.js', oldText: 'Hello, ${name}!', newText: 'Hello, ${name}! Welcome back.' },
  { path: 'src/config.js', oldText: 'retries: 3', newText: 'retries: 5' },
];

export const REVIEW_ANSWER = [
  'Done. Three reads, a search, a listing and two test runs went out **in one batch**; then one edit per file:',
  '',
  '- `src/math.js`: new `subtract(a, b)`',
  '- `src/greet.js`: a friendlier greeting',
  '- `src/config.js`: `retries` raised to 5',
  '',
  '```js',
  'subtract(5, 3); // 2',
  '```',
].join('\n');

/** The `subagents` scenario: the edits of each of its two subagents, one region of one shared file each. */
export const SUBAGENT_EDITS = [
  [{ oldText: 'const first = "todo";', newText: 'const first = "done by the first subagent";' }],
  [{ oldText: 'const second = "todo";', newText: 'const second = "done by the second subagent";' }],
];

/** The shared file the `subagents` scenario edits: the two regions, apart. */
export const SUBAGENT_FILE_TEXT = ['// region one', 'const first = "todo";', '', '// untouched', 'const middle = 0;', '', '// region two', 'const second = "todo";', ''].join('\n');
