/**
 * The storefront's page: the menu, a cart with the delivery address, the customer's orders with
 * their live status, and the error of the last call as the API wrote it (problem+json title and
 * detail). Preact components written with htm's tagged templates: no build step beyond esbuild.
 */
import type { MenuItem } from '@slice/contracts-menu';
import type { Order, PlaceOrderRequest } from '@slice/contracts-orders';
import { html } from 'htm/preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { shownError, type ApiClients, type ShownError } from './api';
import type { Session } from './auth';
import { connectTracking, type LiveStatus } from './tracking';

type Address = PlaceOrderRequest['deliveryAddress'];

/** What the page needs from its host: the clients, the session and the sign-in actions. */
export interface AppProps {
  readonly clients: ApiClients;
  readonly webSocketUrl: string;
  readonly session: Session | undefined;
  readonly signIn: () => void;
  readonly signOut: () => void;
  /** A sign-in that failed before the page rendered. */
  readonly initialError?: ShownError;
}

const money = ({ amount, currency }: { amount: number; currency: string }) =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).format(amount / 100);

const emptyAddress: Address = { name: '', line1: '', city: '', postcode: '', country: 'NL' };

function ErrorBanner({ error, dismiss }: { error: ShownError | undefined; dismiss: () => void }) {
  if (!error) return null;
  return html`<div class="error" role="alert" data-testid="error">
    <strong data-testid="error-title">${error.title}</strong>
    ${error.detail ? html`<p data-testid="error-detail">${error.detail}</p>` : null}
    <button type="button" onClick=${dismiss}>Dismiss</button>
  </div>`;
}

function MenuList({ items, add }: { items: readonly MenuItem[]; add: (id: string) => void }) {
  return html`<section aria-labelledby="menu-title">
    <h2 id="menu-title">Menu</h2>
    <ul class="menu">
      ${items.map(
        (item) =>
          html`<li key=${item.id} data-testid=${`menu-${item.id}`}>
            <span class="name">${item.name}</span>
            <span class="price">${money(item.price)}</span>
            <button type="button" onClick=${() => add(item.id)} aria-label=${`Add ${item.name}`}>Add</button>
          </li>`,
      )}
    </ul>
  </section>`;
}

function AddressForm({ address, change }: { address: Address; change: (address: Address) => void }) {
  const field = (name: 'name' | 'line1' | 'city' | 'postcode' | 'country', label: string) =>
    html`<label
      >${label}
      <input
        name=${name}
        value=${address[name]}
        onInput=${(event: Event) => change({ ...address, [name]: (event.target as HTMLInputElement).value })}
    /></label>`;
  return html`<fieldset>
    <legend>Deliver to</legend>
    ${field('name', 'Name')} ${field('line1', 'Street')} ${field('city', 'City')}
    ${field('postcode', 'Postcode')} ${field('country', 'Country (ISO code)')}
  </fieldset>`;
}

function OrderList(props: {
  orders: readonly Order[];
  live: Readonly<Record<string, LiveStatus>>;
  cancel: (id: string) => void;
}) {
  if (props.orders.length === 0) return html`<p>No orders yet.</p>`;
  return html`<ul class="orders">
    ${props.orders.map((order) => {
      const status = props.live[order.id] ?? order.status.toLowerCase();
      return html`<li key=${order.id} data-testid="order" data-order-id=${order.id}>
        <span>${order.lines.map((line) => `${line.quantity} × ${line.name}`).join(', ')}</span>
        <span>${money(order.total)}</span>
        <output data-testid="order-status">${status}</output>
        ${
          status === 'placed'
            ? html`<button type="button" onClick=${() => props.cancel(order.id)}>Cancel</button>`
            : null
        }
      </li>`;
    })}
  </ul>`;
}

function SessionBar({ session, signIn, signOut }: Pick<AppProps, 'session' | 'signIn' | 'signOut'>) {
  return html`<header>
    <h1>Slice</h1>
    ${
      session
        ? html`<span data-testid="user">${session.user.name}</span>
            <button type="button" onClick=${signOut}>Sign out</button>`
        : html`<button type="button" onClick=${signIn}>Sign in</button>`
    }
  </header>`;
}

function Cart(props: {
  lines: readonly (readonly [string, number])[];
  signedIn: boolean;
  address: Address;
  changeAddress: (address: Address) => void;
  busy: boolean;
  place: () => void;
}) {
  return html`<section aria-labelledby="cart-title">
    <h2 id="cart-title">Your order</h2>
    <ul class="cart" data-testid="cart">
      ${props.lines.map(([itemId, quantity]) => html`<li key=${itemId}>${quantity} × ${itemId}</li>`)}
    </ul>
    ${
      props.signedIn
        ? html`<${AddressForm} address=${props.address} change=${props.changeAddress} />
            <button
              type="button"
              data-testid="place-order"
              disabled=${props.busy || props.lines.length === 0}
              onClick=${props.place}
            >
              Place order
            </button>`
        : html`<p>Sign in to order.</p>`
    }
  </section>`;
}

/** The order flow of a signed-in customer: the cart, the idempotency key of its next attempt, the orders. */
function useOrders({ clients, webSocketUrl, session }: AppProps, report: (error: unknown) => void) {
  const [orders, setOrders] = useState<Order[]>([]);
  const [live, setLive] = useState<Record<string, LiveStatus>>({});
  // One key per cart: a retry of the same order after a lost answer is the same order.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const tracking = useMemo(
    () =>
      session &&
      connectTracking(webSocketUrl, session.idToken, {
        status: (orderId, status) => setLive((known) => ({ ...known, [orderId]: status })),
        problem: (message) => report(new Error(message)),
      }),
    [session, webSocketUrl],
  );
  useEffect(() => () => tracking?.close(), [tracking]);
  useEffect(() => {
    if (!session) return;
    clients.orders
      .listOrders({ query: { limit: 10 } })
      .then(({ items }) => {
        // An order placed while the list was on its way stays, on top.
        setOrders((known) => [
          ...known,
          ...items.filter((item) => !known.some((each) => each.id === item.id)),
        ]);
        items.filter((order) => order.status === 'PLACED').forEach((order) => tracking?.track(order.id));
      })
      .catch(report);
  }, [session, tracking]);

  const place = async (request: PlaceOrderRequest) => {
    const order = await clients.orders.placeOrder({ body: request }, { idempotencyKey });
    setIdempotencyKey(crypto.randomUUID());
    setOrders((known) => [order, ...known.filter((each) => each.id !== order.id)]);
    tracking?.track(order.id);
  };
  const cancel = async (orderId: string) => {
    const order = await clients.orders.cancelOrder({ path: { orderId } });
    setOrders((known) => known.map((each) => (each.id === order.id ? order : each)));
  };
  return { orders, live, place, cancel, resetKey: () => setIdempotencyKey(crypto.randomUUID()) };
}

/** The storefront. */
export function App(props: AppProps) {
  const { clients, session } = props;
  const [menu, setMenu] = useState<MenuItem[]>([]);
  const [cart, setCart] = useState<Record<string, number>>({});
  const [address, setAddress] = useState<Address>({ ...emptyAddress, name: session?.user.name ?? '' });
  const [error, setError] = useState<ShownError | undefined>(props.initialError);
  const [busy, setBusy] = useState(false);
  const report = (cause: unknown) => setError(shownError(cause));
  const orders = useOrders(props, report);

  useEffect(() => {
    clients.menu
      .listMenu({ query: { limit: 50 } })
      .then(({ items }) => setMenu(items.filter((item) => item.available)))
      .catch(report);
  }, []);

  const lines = Object.entries(cart).filter(([, quantity]) => quantity > 0);
  const add = (itemId: string) => {
    setCart((known) => ({ ...known, [itemId]: (known[itemId] ?? 0) + 1 }));
    orders.resetKey();
  };
  const act = (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    action()
      .catch(report)
      .finally(() => setBusy(false));
  };
  const placeOrder = () =>
    act(async () => {
      const items = lines.map(([itemId, quantity]) => ({ itemId, quantity }));
      await orders.place({ items, deliveryAddress: address });
      setCart({});
    });

  return html`<${SessionBar} ...${props} />
    <main>
      <${ErrorBanner} error=${error} dismiss=${() => setError(undefined)} />
      <${MenuList} items=${menu} add=${add} />
      <${Cart}
        lines=${lines}
        signedIn=${Boolean(session)}
        address=${address}
        changeAddress=${setAddress}
        busy=${busy}
        place=${placeOrder}
      />
      ${
        session
          ? html`<section aria-labelledby="orders-title">
              <h2 id="orders-title">Your orders</h2>
              <${OrderList}
                orders=${orders.orders}
                live=${orders.live}
                cancel=${(id: string) => act(() => orders.cancel(id))}
              />
            </section>`
          : null
      }
    </main>`;
}
