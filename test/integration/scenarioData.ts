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
