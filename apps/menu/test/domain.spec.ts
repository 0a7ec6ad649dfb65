/** Menu's rules against an in-memory repository: what the integration suite proves on dynalite, without one. */
import type { MenuItem } from '@slice/contracts-menu';
import {
  changeBetween,
  MenuItemExists,
  MenuItemNotFound,
  slugOf,
  StaleMenuItem,
} from '../src/domain/menu-item';
import type { MenuChange } from '../src/domain/menu-item';
import type { MenuDeps, MenuRepository } from '../src/domain/ports';
import {
  batchGetMenuItems,
  createMenuItem,
  getMenuItem,
  listMenu,
  recordMenuChange,
  updateMenuItem,
  withdrawMenuItem,
} from '../src/domain/use-cases';

const margherita: MenuItem = {
  id: 'margherita',
  name: 'Margherita',
  description: 'Tomato, mozzarella, basil.',
  category: 'pizza',
  price: { amount: 900, currency: 'EUR' },
  available: true,
  version: 3,
  updatedAt: '2026-11-01T09:00:00.000Z',
};
const at = new Date('2026-12-02T10:00:00.000Z');

/** An in-memory repository with the DynamoDB one's version condition; `staleReplaces` fail first. */
function memoryMenu(items: MenuItem[] = [], staleReplaces = 0) {
  const all = new Map(items.map((item) => [item.id, item]));
  const kept: MenuItem[] = [];
  const replaced: Array<{ item: MenuItem; readVersion: number }> = [];
  let stale = staleReplaces;
  const menu: MenuRepository = {
    get: (itemId) => Promise.resolve(all.get(itemId)),
    getMany: (itemIds) => Promise.resolve(itemIds.flatMap((itemId) => all.get(itemId) ?? []).reverse()),
    create: (item) => {
      if (all.has(item.id)) return Promise.reject(new MenuItemExists(item.id));
      all.set(item.id, item);
      return Promise.resolve();
    },
    replace: (item, readVersion) => {
      replaced.push({ item, readVersion });
      if (stale-- > 0 || all.get(item.id)?.version !== readVersion)
        return Promise.reject(new StaleMenuItem(item.id, readVersion));
      all.set(item.id, item);
      return Promise.resolve();
    },
    listAvailable: (query) =>
      Promise.resolve({ items: [...all.values()].filter((item) => item.available).slice(0, query.limit) }),
    keepVersion: (item) => Promise.resolve(void kept.push(item)),
  };
  return { menu, all, kept, replaced };
}

const deps = (menu: MenuRepository): Pick<MenuDeps, 'menu' | 'now' | 'newId'> => ({
  menu,
  now: () => at,
  newId: () => '7f3a9c21-5b1e-4c8d-9e0f-123456789abc',
});

describe('slugOf', () => {
  it('lowercases, drops accents and joins words with single dashes', () => {
    expect(slugOf('Quattro Formaggi')).toBe('quattro-formaggi');
    expect(slugOf('Crème Brûlée')).toBe('creme-brulee');
    expect(slugOf('Salt & -- Pepper!!')).toBe('salt-pepper');
  });

  it('trims dashes at both ends and keeps at most 48 characters', () => {
    expect(slugOf('--- ¡Hola! ---')).toBe('hola');
    expect(slugOf('a'.repeat(60))).toBe('a'.repeat(48));
  });
});

describe('changeBetween', () => {
  const withdrawn = { ...margherita, available: false };
  it.each<{ name: string; before: MenuItem | undefined; after: MenuItem; change: MenuChange }>([
    { name: 'a first version', before: undefined, after: margherita, change: 'ADDED' },
    { name: 'taking an item off the menu', before: margherita, after: withdrawn, change: 'WITHDRAWN' },
    { name: 'a new price', before: margherita, after: { ...margherita, version: 4 }, change: 'CHANGED' },
    { name: 'putting an item back', before: withdrawn, after: margherita, change: 'CHANGED' },
    {
      name: 'a change to a withdrawn item',
      before: withdrawn,
      after: { ...withdrawn, version: 4 },
      change: 'CHANGED',
    },
  ])('calls $name $change', ({ before, after, change }) => {
    expect(changeBetween(before, after)).toBe(change);
  });
});

describe('the menu errors', () => {
  it('name the item and what to do', () => {
    expect(new MenuItemNotFound('calzone').message).toBe('There is no menu item calzone.');
    expect(new StaleMenuItem('margherita', 2).message).toBe(
      'Menu item margherita changed since version 2 was read; read it again and retry.',
    );
    expect(new MenuItemExists('margherita').message).toBe('Menu item margherita exists already.');
  });
});

describe('listMenu and getMenuItem', () => {
  it('lists the available items and reads a withdrawn one by id', async () => {
    const { menu } = memoryMenu([margherita, { ...margherita, id: 'funghi', available: false }]);
    await expect(listMenu({ limit: 10 }, { menu })).resolves.toEqual({ items: [margherita] });
    await expect(getMenuItem('funghi', { menu })).resolves.toMatchObject({ id: 'funghi', available: false });
  });

  it('refuses an unknown id with MenuItemNotFound', async () => {
    await expect(getMenuItem('calzone', memoryMenu())).rejects.toThrow(new MenuItemNotFound('calzone'));
  });
});

describe('batchGetMenuItems', () => {
  it('answers the found items in the order asked and names the missing ids', async () => {
    const funghi = { ...margherita, id: 'funghi' };
    const { menu } = memoryMenu([margherita, funghi]);
    await expect(batchGetMenuItems(['funghi', 'calzone', 'margherita'], { menu })).resolves.toEqual({
      items: [funghi, margherita],
      missing: ['calzone'],
    });
  });
});

describe('createMenuItem', () => {
  const input = {
    name: 'Quattro Formaggi',
    description: 'Four cheeses.',
    category: 'pizza' as const,
    price: { amount: 1200, currency: 'EUR' },
  };

  it('stores a new item, available at version 1, with an id made of its name and a short id', async () => {
    const { menu, all } = memoryMenu();
    const item = await createMenuItem(input, deps(menu));
    expect(item).toEqual({
      ...input,
      id: 'quattro-formaggi-7f3a9c21',
      available: true,
      version: 1,
      updatedAt: at.toISOString(),
    });
    expect(all.get(item.id)).toEqual(item);
  });

  it('keeps an id the caller chose, and names an item without letters "item"', async () => {
    const { menu } = memoryMenu();
    await expect(createMenuItem({ ...input, id: 'cheese' }, deps(menu))).resolves.toMatchObject({
      id: 'cheese',
    });
    await expect(createMenuItem({ ...input, name: '!!!' }, deps(menu))).resolves.toMatchObject({
      id: 'item-7f3a9c21',
    });
  });
});

describe('updateMenuItem', () => {
  const fields = {
    name: 'Margherita',
    description: 'Classic.',
    category: 'pizza' as const,
    price: { amount: 950, currency: 'EUR' },
    available: true,
  };

  it('replaces the fields at the next version, on the condition of the version read', async () => {
    const { menu, all, replaced } = memoryMenu([margherita]);
    const next = await updateMenuItem('margherita', { ...fields, version: 3 }, deps(menu));
    expect(next).toEqual({ ...margherita, ...fields, version: 4, updatedAt: at.toISOString() });
    expect(replaced).toEqual([{ item: next, readVersion: 3 }]);
    expect(all.get('margherita')).toEqual(next);
  });

  it('refuses a version other than the current one without writing', async () => {
    const { menu, replaced } = memoryMenu([margherita]);
    await expect(updateMenuItem('margherita', { ...fields, version: 2 }, deps(menu))).rejects.toThrow(
      new StaleMenuItem('margherita', 2),
    );
    expect(replaced).toEqual([]);
  });

  it('refuses an unknown item', async () => {
    await expect(
      updateMenuItem('calzone', { ...fields, version: 1 }, deps(memoryMenu().menu)),
    ).rejects.toThrow(MenuItemNotFound);
  });
});

describe('withdrawMenuItem', () => {
  it('makes an item unavailable at the next version', async () => {
    const { menu, all } = memoryMenu([margherita]);
    const next = await withdrawMenuItem('margherita', deps(menu));
    expect(next).toEqual({ ...margherita, available: false, version: 4, updatedAt: at.toISOString() });
    expect(all.get('margherita')).toEqual(next);
  });

  it('answers a withdrawn item as it is, writing nothing', async () => {
    const withdrawn = { ...margherita, available: false };
    const { menu, replaced } = memoryMenu([withdrawn]);
    await expect(withdrawMenuItem('margherita', deps(menu))).resolves.toBe(withdrawn);
    expect(replaced).toEqual([]);
  });

  it('retries a concurrent change twice and gives up on the third', async () => {
    const twice = memoryMenu([margherita], 2);
    await expect(withdrawMenuItem('margherita', deps(twice.menu))).resolves.toMatchObject({
      available: false,
    });
    expect(twice.replaced).toHaveLength(3);

    const always = memoryMenu([margherita], 3);
    await expect(withdrawMenuItem('margherita', deps(always.menu))).rejects.toThrow(StaleMenuItem);
    expect(always.replaced).toHaveLength(3);
  });

  it('does not retry any other failure', async () => {
    const { menu } = memoryMenu([margherita]);
    const replace = jest.spyOn(menu, 'replace').mockRejectedValue(new Error('throttled'));
    await expect(withdrawMenuItem('margherita', deps(menu))).rejects.toThrow('throttled');
    expect(replace).toHaveBeenCalledTimes(1);
  });
});

describe('recordMenuChange', () => {
  it('keeps the new version in the history and announces what changed', async () => {
    const { menu, kept } = memoryMenu();
    const changed = jest.fn<Promise<void>, unknown[]>().mockResolvedValue();
    const withdrawn = { ...margherita, available: false, version: 4 };
    await recordMenuChange(margherita, withdrawn, { menu, events: { changed } });
    expect(kept).toEqual([withdrawn]);
    expect(changed).toHaveBeenCalledWith([{ change: 'WITHDRAWN', item: withdrawn }]);
  });
});
