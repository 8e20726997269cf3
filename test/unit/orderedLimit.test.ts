import * as assert from 'node:assert/strict';
import { OrderedLimit } from '../../src/agent/orderedLimit';

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

describe('OrderedLimit', () => {
  it('grants a free slot to the lowest ticket waiting, whenever it started waiting', async () => {
    const limit = new OrderedLimit(1);
    const order: string[] = [];
    const first = gate();
    const [a, b, c] = [limit.ticket(), limit.ticket(), limit.ticket()];
    const running = limit.run(a, async () => {
      order.push('a');
      await first.promise;
    });
    const late = limit.run(c, async () => void order.push('c'));
    const early = limit.run(b, async () => void order.push('b')); // drew its ticket before c, started waiting after it
    assert.equal(limit.pendingCount, 2);
    first.open();
    await Promise.all([running, late, early]);
    assert.deepEqual(order, ['a', 'b', 'c']);
  });

  it('never runs more than its concurrency, and runs that many', async () => {
    const limit = new OrderedLimit(3);
    let active = 0;
    let peak = 0;
    const gates = Array.from({ length: 10 }, gate);
    const runs = gates.map((g) =>
      limit.run(limit.ticket(), async () => {
        peak = Math.max(peak, ++active);
        await g.promise;
        active--;
      }),
    );
    await new Promise((r) => setImmediate(r));
    assert.equal(limit.activeCount, 3);
    for (const g of gates) g.open();
    await Promise.all(runs);
    assert.equal(peak, 3);
    assert.equal(limit.activeCount, 0);
  });

  it('passes on results and errors, and frees the slot of a call that threw', async () => {
    const limit = new OrderedLimit(1);
    await assert.rejects(limit.run(limit.ticket(), () => { throw new Error('sync boom'); }), /sync boom/);
    await assert.rejects(limit.run(limit.ticket(), async () => { throw new Error('async boom'); }), /async boom/);
    assert.equal(await limit.run(limit.ticket(), async () => 42), 42);
    assert.equal(limit.activeCount, 0);
  });
});
