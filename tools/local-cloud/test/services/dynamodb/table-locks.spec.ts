import { createTableLocks } from '../../../src/services/dynamodb/table-locks';

/** A promise and the function that settles it, to hold a lock for as long as a test wants. */
const gate = () => {
  let open: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { closed, open };
};

/** Work that only notes that it ran. */
const note = (order: string[], what: string) => () => {
  order.push(what);
  return Promise.resolve();
};

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('table locks of the local DynamoDB', () => {
  it('lets shared holders of a table run together', async () => {
    const locks = createTableLocks();
    const first = gate();
    const order: string[] = [];

    const reading = locks.run([['orders', 'shared']], async () => {
      order.push('first started');
      await first.closed;
      order.push('first done');
    });
    await tick();
    await locks.run([['orders', 'shared']], note(order, 'second ran'));
    first.open();
    await reading;

    expect(order).toEqual(['first started', 'second ran', 'first done']);
  });

  it('makes an exclusive holder wait for the shared ones, and later shared ones wait behind it', async () => {
    const locks = createTableLocks();
    const reader = gate();
    const order: string[] = [];

    const reading = locks.run([['orders', 'shared']], async () => {
      await reader.closed;
      order.push('reader');
    });
    await tick();
    const writing = locks.run([['orders', 'exclusive']], note(order, 'writer'));
    const lateReading = locks.run([['orders', 'shared']], note(order, 'late reader'));
    await tick();
    expect(order).toEqual([]);

    reader.open();
    await Promise.all([reading, writing, lateReading]);

    expect(order).toEqual(['reader', 'writer', 'late reader']);
  });

  it('does not hold back another table', async () => {
    const locks = createTableLocks();
    const writer = gate();
    const order: string[] = [];

    const writing = locks.run([['orders', 'exclusive']], async () => {
      await writer.closed;
      order.push('orders');
    });
    await tick();
    await locks.run([['stock', 'exclusive']], note(order, 'stock'));
    writer.open();
    await writing;

    expect(order).toEqual(['stock', 'orders']);
  });

  it('does not deadlock two requests naming the same tables in opposite orders, and releases on failure', async () => {
    const locks = createTableLocks();
    const runs = Array.from({ length: 20 }, (_, index) =>
      locks.run(
        index % 2 === 0
          ? [
              ['orders', 'exclusive'],
              ['stock', 'exclusive'],
            ]
          : [
              ['stock', 'exclusive'],
              ['orders', 'shared'],
            ],
        async () => {
          await tick();
          if (index === 3) throw new Error('failed while holding');
          return index;
        },
      ),
    );

    const settled = await Promise.allSettled(runs);

    expect(settled.filter((result) => result.status === 'fulfilled')).toHaveLength(19);
    await expect(locks.run([['orders', 'exclusive']], () => Promise.resolve('free'))).resolves.toBe('free');
  });
});
