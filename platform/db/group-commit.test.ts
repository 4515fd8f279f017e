import { GroupCommit } from './group-commit';

/** A run function whose batches finish only when the test says so. */
function controlledRun() {
  const batches: { items: string[]; finish: (fail?: Error) => void }[] = [];
  const run = (items: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({ items, finish: (fail) => (fail ? reject(fail) : resolve(items.map((i) => `done:${i}`))) });
    });
  return { batches, run };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('runs an item alone when nothing is in flight, and groups what arrives meanwhile', async () => {
    const { batches, run } = controlledRun();
    const sizes: number[] = [];
    const gc = new GroupCommit(run, { maxInFlight: 1, maxBatchWeight: 100, weight: () => 1, onBatch: (n) => sizes.push(n) });
    const a = gc.submit('a');
    const b = gc.submit('b');
    const c = gc.submit('c');
    expect(batches.map((x) => x.items)).toEqual([['a']]);
    batches[0].finish();
    expect(await a).toBe('done:a');
    await tick();
    expect(batches.map((x) => x.items)).toEqual([['a'], ['b', 'c']]);
    batches[1].finish();
    expect(await Promise.all([b, c])).toEqual(['done:b', 'done:c']);
    expect(sizes).toEqual([1, 2]);
  });

  it('keeps at most maxInFlight batches running and caps a batch by weight', async () => {
    const { batches, run } = controlledRun();
    const gc = new GroupCommit(run, { maxInFlight: 2, maxBatchWeight: 5, weight: (s: string) => s.length });
    const all = ['a', 'b', 'ccc', 'dd', 'eeeeee', 'f'].map((s) => gc.submit(s));
    expect(batches.map((x) => x.items)).toEqual([['a'], ['b']]);
    batches[0].finish();
    await tick();
    // 'ccc' + 'dd' weigh 5; 'eeeeee' alone exceeds the cap but still goes, on its own.
    expect(batches.map((x) => x.items)).toEqual([['a'], ['b'], ['ccc', 'dd']]);
    batches[1].finish();
    await tick();
    expect(batches[3].items).toEqual(['eeeeee']);
    batches[2].finish();
    await tick();
    expect(batches[4].items).toEqual(['f']);
    batches[3].finish();
    batches[4].finish();
    expect(await Promise.all(all)).toEqual(['a', 'b', 'ccc', 'dd', 'eeeeee', 'f'].map((s) => `done:${s}`));
  });

  it('with fairBy, a key with a backlog shares batches instead of holding the others behind it', async () => {
    const { batches, run } = controlledRun();
    // Items are "key:weight"; a batch holds weight 10.
    const gc = new GroupCommit(run, { maxInFlight: 1, maxBatchWeight: 10, weight: (s: string) => Number(s.split(':')[1]), fairBy: (s: string) => s.split(':')[0] });
    const all = ['a:10', 'a:10', 'a:10', 'a:10', 'b:1', 'a:4', 'c:2', 'b:1'].map((s) => gc.submit(s));
    expect(batches.map((x) => x.items)).toEqual([['a:10']]);
    const next = async () => {
      batches[batches.length - 1].finish();
      await tick();
      return batches[batches.length - 1].items;
    };
    // First come first served would run b only after every a:10 before it.
    expect(await next()).toEqual(['b:1', 'c:2', 'b:1']);
    expect(await next()).toEqual(['a:10']);
    expect(await next()).toEqual(['a:10']);
    expect(await next()).toEqual(['a:10']);
    expect(await next()).toEqual(['a:4']);
    batches[batches.length - 1].finish();
    expect(await Promise.all(all)).toEqual(['a:10', 'a:10', 'a:10', 'a:10', 'b:1', 'a:4', 'c:2', 'b:1'].map((s) => `done:${s}`));
  });

  it('retries a failed batch item by item, so only the bad item fails', async () => {
    const attempts: string[][] = [];
    const run = async (items: string[]) => {
      attempts.push(items);
      if (items.includes('bad')) throw new Error('bad item');
      return items.map((i) => `done:${i}`);
    };
    const gc = new GroupCommit(run, { maxInFlight: 1, maxBatchWeight: 100, weight: () => 1 });
    const first = gc.submit('first');
    const rest = ['x', 'bad', 'y'].map((s) => gc.submit(s));
    expect(await first).toBe('done:first');
    const settled = await Promise.allSettled(rest);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason.message).toBe('bad item');
    expect(attempts).toEqual([['first'], ['x', 'bad', 'y'], ['x'], ['bad'], ['y']]);
  });

  it('fails the whole batch at once when the error is not about its items', async () => {
    const attempts: string[][] = [];
    const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const run = async (items: string[]) => {
      attempts.push(items);
      if (items[0] !== 'first') throw down;
      return items.map((i) => `done:${i}`);
    };
    const gc = new GroupCommit(run, { maxInFlight: 1, maxBatchWeight: 100, weight: () => 1, retryAlone: (err) => (err as { code?: string }).code !== 'ECONNREFUSED' });
    const first = gc.submit('first');
    const rest = ['x', 'y', 'z'].map((s) => gc.submit(s));
    expect(await first).toBe('done:first');
    const settled = await Promise.allSettled(rest);
    expect(settled.map((s) => (s.status === 'rejected' ? s.reason : s.value))).toEqual([down, down, down]);
    expect(attempts).toEqual([['first'], ['x', 'y', 'z']]);
  });

  it('rejects a lone item with its own error and keeps serving', async () => {
    const gc = new GroupCommit(async (items: number[]) => items.map((n) => {
      if (n < 0) throw new Error('negative');
      return n * 2;
    }), { maxInFlight: 1, maxBatchWeight: 10, weight: () => 1 });
    await expect(gc.submit(-1)).rejects.toThrow('negative');
    expect(await gc.submit(4)).toBe(8);
  });
});
