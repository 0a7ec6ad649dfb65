import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { defineRoute } from '../src';

const src = join(__dirname, '../src');
const modules = readdirSync(src).filter((name) => name.endsWith('.ts') && name !== 'locale.ts');

describe("zod's messages in the kit", () => {
  it('are English for schemas written with zod/mini', () => {
    const route = defineRoute({
      method: 'GET',
      path: '/pizzas',
      operationId: 'listPizzas',
      summary: 'Pizzas',
      auth: 'public',
      request: { query: z.strictObject({ size: z.enum(['s', 'm']) }) },
      status: 200,
      response: z.strictObject({ items: z.array(z.string()) }),
    });

    const parsed = z.safeParse(route.request.query ?? z.never(), { size: 'xl' });

    expect(parsed.error?.issues[0]?.message).toBe('Invalid option: expected one of "s"|"m"');
  });

  it('are set by every module of the kit that uses zod, so that every bundle holding kit schemas has them', () => {
    const withoutLocale = modules.filter((name) => {
      const text = readFileSync(join(src, name), 'utf8');
      return /^import \* as z from 'zod\/mini';$/m.test(text) && !text.includes("import './locale';");
    });

    expect(withoutLocale).toEqual([]);
  });

  it("are kept by bundlers: the locale module is the kit's one side effect", () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8')) as {
      sideEffects?: unknown;
    };

    expect(manifest.sideEffects).toEqual(['./src/locale.ts']);
  });
});
