// Imported first by extension.ts: the bundle evaluates modules in import order, so this timestamp is taken before
// any other module of the extension runs, and activation can report how long evaluating them took.
export const loadStartedAt = performance.now();
