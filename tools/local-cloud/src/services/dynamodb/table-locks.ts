/**
 * How a request holds a table: `shared` for what dynalite does atomically on its own (a read, a
 * single-item write to a table without a stream), `exclusive` for what must not interleave with
 * anything else on the table (a transaction, a write whose stream images are read around it).
 */
export type LockMode = 'shared' | 'exclusive';

/** The per-table locks of the local DynamoDB. */
export interface TableLocks {
  /**
   * Runs `work` while holding every named table in its mode. Tables are taken in name order, so
   * two requests that need the same tables cannot deadlock; a table named twice is held in the
   * stronger mode. Waiters are served first come, first served: a waiting `exclusive` request
   * holds back `shared` ones that arrive after it.
   */
  run<T>(tables: Iterable<readonly [string, LockMode]>, work: () => Promise<T>): Promise<T>;
}

interface Waiter {
  readonly mode: LockMode;
  readonly grant: () => void;
}

interface TableLock {
  shared: number;
  exclusive: boolean;
  readonly waiting: Waiter[];
}

/**
 * Creates the table locks of the local AWS endpoint: a readers-writer lock per table. dynalite
 * applies one request to one item atomically, but a transaction (several items, rolled back on
 * failure) or a write with stream images (read, write, read again) is several dynalite requests;
 * they hold their tables `exclusive` so that no other request sees or changes the tables half way.
 *
 * @example
 * ```ts
 * const locks = createTableLocks();
 * await locks.run([['orders', 'exclusive'], ['audit', 'exclusive']], () => applyTransaction());
 * await locks.run([['orders', 'shared']], () => forwardGetItem());
 * ```
 */
export function createTableLocks(): TableLocks {
  const locks = new Map<string, TableLock>();

  const compatible = (lock: TableLock, mode: LockMode) =>
    mode === 'shared' ? !lock.exclusive : !lock.exclusive && lock.shared === 0;

  const hold = (lock: TableLock, mode: LockMode) => {
    if (mode === 'shared') lock.shared += 1;
    else lock.exclusive = true;
  };

  const acquire = (name: string, mode: LockMode): Promise<void> | undefined => {
    let lock = locks.get(name);
    if (!lock) {
      lock = { shared: 0, exclusive: false, waiting: [] };
      locks.set(name, lock);
    }
    if (lock.waiting.length === 0 && compatible(lock, mode)) {
      hold(lock, mode);
      return undefined;
    }
    const queued = lock;
    return new Promise<void>((resolve) => {
      queued.waiting.push({ mode, grant: resolve });
    });
  };

  const release = (name: string, mode: LockMode) => {
    const lock = locks.get(name);
    if (!lock) return;
    if (mode === 'shared') lock.shared -= 1;
    else lock.exclusive = false;
    for (let next = lock.waiting[0]; next && compatible(lock, next.mode); next = lock.waiting[0]) {
      lock.waiting.shift();
      hold(lock, next.mode);
      next.grant();
    }
    if (lock.shared === 0 && !lock.exclusive && lock.waiting.length === 0) locks.delete(name);
  };

  return {
    async run(tables, work) {
      const modes = new Map<string, LockMode>();
      for (const [name, mode] of tables) {
        modes.set(name, modes.get(name) === 'exclusive' ? 'exclusive' : mode);
      }
      const held: Array<readonly [string, LockMode]> = [];
      try {
        for (const [name, mode] of [...modes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          const waiting = acquire(name, mode);
          // Granted by a releasing holder, which already counted it as held.
          held.push([name, mode]);
          if (waiting) await waiting;
        }
        return await work();
      } finally {
        for (const [name, mode] of held.reverse()) release(name, mode);
      }
    },
  };
}
