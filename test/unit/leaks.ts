// A root hook: once every test has ended, nothing may keep the process alive. Without it a leaked timer, socket or
// child process made the unit run hang after "N passing"; now it fails the run and names what was left
// (FANOUT_LEAK_STACKS=1 adds where each leaked timer was created).
import { createHook } from 'node:async_hooks';

const EXPECTED = new Set(['TTYWrap', 'PipeWrap', 'FSReqCallback', 'FSReqPromise']);

const timers = new Map<number, { resource: { hasRef?(): boolean; _destroyed?: boolean }; stack: string; test: string }>();
let currentTest = '';
if (process.env.FANOUT_LEAK_STACKS) {
  createHook({
    init(id, type, _trigger, resource) {
      if (type === 'Timeout') timers.set(id, { resource: resource as never, stack: new Error().stack ?? '', test: currentTest });
    },
    destroy(id) {
      timers.delete(id);
    },
  }).enable();
}

export const mochaHooks = {
  beforeEach(this: Mocha.Context) {
    currentTest = this.currentTest?.fullTitle() ?? '';
  },
  async afterAll(this: Mocha.Context) {
    // Give handles that are already closing a few turns of the event loop to go.
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    const leaked = process.getActiveResourcesInfo().filter((r) => !EXPECTED.has(r));
    // One timer is mocha's own, the timeout of this very hook.
    if (leaked.includes('Timeout')) leaked.splice(leaked.indexOf('Timeout'), 1);
    if (!leaked.length) return;
    const counts = [...new Set(leaked)].map((r) => `${r} x${leaked.filter((x) => x === r).length}`);
    const where = (stack: string) => stack.split('\n').filter((l) => /^\s+at /.test(l) && !/node:|leaks\.ts/.test(l)).slice(0, 4).join('\n');
    const stacks = [...timers.values()].filter((t) => t.resource.hasRef?.() && !t.resource._destroyed && !where(t.stack).split('\n')[0].includes('mocha/lib')).map((t) => `${t.test}:\n${where(t.stack)}`);
    throw new Error(`Still keeping the process alive after the last test: ${counts.join(', ')}. A test or the code under test leaked it.${stacks.length ? `\n${stacks.join('\n---\n')}` : ''}`);
  },
};
