/**
 * The legacy monolith's contract for the routes no service has taken over yet: stores and the daily
 * sales report. Stewarded by every team (scope `legacy`); its base path is the root because the
 * monolith is the front door's catch-all. The monolith also still answers the Menu and Orders
 * contracts' routes, held to those contracts. The kitchen queue moved to Kitchen (monolith 2.0.0).
 */
import {
  defineContract,
  defineRoute,
  described,
  freeText,
  Money,
  page,
  pageQuery,
  withMeta,
} from '@slice/contract';
import { MenuItemId } from '@slice/contracts-menu';
import * as z from 'zod/mini';

/** A store id: a lower-case slug such as `utrecht-centrum`. */
export const StoreId = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'A lower-case slug such as utrecht-centrum.'));

/** The days of the week, as opening hours name them. */
export const Weekday = z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']);

/** A weekday. */
export type Weekday = z.infer<typeof Weekday>;

const clock = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'A 24-hour time such as 17:30.'));

/** When a store opens and closes on one day, in its own time zone; `closes` before `opens` runs past midnight. */
export const DayHours = withMeta(z.strictObject({ opens: clock, closes: clock }), { id: 'DayHours' });

/** Opening hours by weekday; a day that is absent is a closed day. */
export const OpeningHours = withMeta(z.partialRecord(Weekday, DayHours), { id: 'OpeningHours' });

/** Where a store is. */
export const StoreAddress = withMeta(
  z.strictObject({
    line1: freeText({ min: 1, max: 200 }),
    city: freeText({ min: 1, max: 100 }),
    postcode: freeText({ min: 2, max: 12 }),
    country: z.string().check(z.regex(/^[A-Z]{2}$/, 'An ISO 3166 alpha-2 code such as NL.')),
  }),
  { id: 'StoreAddress' },
);

/** A store: its address, phone and opening hours. */
export const Store = withMeta(
  z.strictObject({
    id: StoreId,
    name: freeText({ min: 1, max: 100 }),
    address: StoreAddress,
    phone: z.string().check(z.regex(/^\+[0-9 ]{6,20}$/, 'An international number such as +31 30 123 4567.')),
    openingHours: OpeningHours,
    timeZone: z
      .string()
      .check(z.regex(/^[A-Za-z_]+(\/[A-Za-z_+-]+)+$/, 'An IANA time zone such as Europe/Amsterdam.')),
  }),
  { id: 'Store' },
);

/** A store. */
export type Store = z.infer<typeof Store>;

/** What staff send to add or replace a store: everything but its id, which is in the path. */
export const StoreDetails = withMeta(z.omit(Store, { id: true }), { id: 'StoreDetails' });

/** Store details. */
export type StoreDetails = z.infer<typeof StoreDetails>;

/** A calendar day, `YYYY-MM-DD`, in UTC. */
export const CalendarDate = described(z.iso.date(), 'A UTC calendar day such as 2026-11-27.');

/** How much of one menu item was sold. */
export const ItemSales = withMeta(
  z.strictObject({ itemId: MenuItemId, name: z.string(), quantity: z.number().check(z.int(), z.minimum(1)) }),
  { id: 'ItemSales' },
);

/** A day's sales: the orders still placed at the end of it (cancelled ones do not count). */
export const DailySales = withMeta(
  z.strictObject({
    date: CalendarDate,
    orderCount: z.number().check(z.int(), z.minimum(0)),
    revenue: described(z.array(Money), 'One total per currency, by currency code.'),
    itemsSold: described(z.array(ItemSales), 'By quantity sold, most first, then by item id.'),
  }),
  { id: 'DailySales' },
);

/** A day's sales. */
export type DailySales = z.infer<typeof DailySales>;

const utrecht: Store = {
  id: 'utrecht-centrum',
  name: 'Slice Utrecht Centrum',
  address: { line1: 'Oudegracht 1', city: 'Utrecht', postcode: '3511AA', country: 'NL' },
  phone: '+31 30 123 4567',
  openingHours: {
    monday: { opens: '16:00', closes: '22:00' },
    friday: { opens: '12:00', closes: '23:30' },
    saturday: { opens: '12:00', closes: '23:30' },
  },
  timeZone: 'Europe/Amsterdam',
};
const { id: _utrechtId, ...utrechtDetails } = utrecht;

const storePath = z.strictObject({ storeId: StoreId });

/** `GET /stores`: every store, by id, a page at a time. */
export const listStores = defineRoute({
  method: 'GET',
  path: '/stores',
  operationId: 'listStores',
  summary: 'The stores with their addresses and opening hours, a page at a time',
  auth: 'public',
  request: { query: z.strictObject(pageQuery()) },
  status: 200,
  response: page(Store),
  examples: [
    {
      name: 'first stores',
      request: { query: { limit: 10 } },
      response: { status: 200, body: { items: [utrecht] } },
    },
  ],
});

/** `GET /stores/{storeId}`: one store. */
export const getStore = defineRoute({
  method: 'GET',
  path: '/stores/{storeId}',
  operationId: 'getStore',
  summary: 'One store: address, phone and opening hours',
  auth: 'public',
  request: { path: storePath },
  status: 200,
  response: Store,
  errors: { 404: 'No store with this id.' },
  examples: [
    {
      name: 'utrecht',
      request: { path: { storeId: 'utrecht-centrum' } },
      response: { status: 200, body: utrecht },
    },
    { name: 'unknown', request: { path: { storeId: 'no-such-store' } }, response: { status: 404 } },
  ],
});

/** `PUT /stores/{storeId}` (staff): adds a store or replaces its details; the same request twice is one store. */
export const putStore = defineRoute({
  method: 'PUT',
  path: '/stores/{storeId}',
  operationId: 'putStore',
  summary: 'Add a store or replace its details',
  auth: 'staff',
  request: { path: storePath, body: StoreDetails },
  status: 200,
  response: Store,
  examples: [
    {
      name: 'utrecht',
      request: { path: { storeId: 'utrecht-centrum' }, body: utrechtDetails },
      response: { status: 200, body: utrecht },
    },
  ],
});

/** `GET /reports/daily-sales?date=` (staff): the orders placed that day, revenue per currency and items sold. */
export const getDailySales = defineRoute({
  method: 'GET',
  path: '/reports/daily-sales',
  operationId: 'getDailySales',
  summary: 'One UTC day of sales: orders, revenue per currency, items sold',
  auth: 'staff',
  request: { query: z.strictObject({ date: CalendarDate }) },
  status: 200,
  response: DailySales,
  examples: [
    {
      name: 'a day',
      request: { query: { date: '2026-11-27' } },
      response: {
        status: 200,
        body: {
          date: '2026-11-27',
          orderCount: 1,
          revenue: [{ amount: 1800, currency: 'EUR' }],
          itemsSold: [{ itemId: 'margherita', name: 'Margherita', quantity: 2 }],
        },
      },
    },
    { name: 'not a date', request: { query: { date: '27-11-2026' } }, response: { status: 400 } },
  ],
});

/**
 * The monolith's own contract: the routes it still serves that no service has taken over.
 *
 * @example
 * ```ts
 * const monolith = createClient(monolithContract, { baseUrl: 'http://localhost:3000', token: staffToken });
 * const sales = await monolith.getDailySales({ query: { date: '2026-11-27' } });
 * sales.revenue; // [{ amount: 1800, currency: 'EUR' }]
 * ```
 */
export const monolithContract = defineContract({
  service: {
    name: 'monolith',
    team: 'legacy',
    basePath: '/',
    version: '2.0.0',
    title: 'Slice monolith',
    description:
      'The legacy pizzeria API: stores and daily sales, until their services take them over. Stewarded by every team.',
  },
  routes: { listStores, getStore, putStore, getDailySales },
  events: {},
});

export * from './legacy-rows';
