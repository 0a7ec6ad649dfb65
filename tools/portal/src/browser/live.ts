/**
 * The live panels of the portal, when the local cloud serves it (`npm start`,
 * `http://portal.localhost:<port>/live.html`): they read the cloud's read-only admin routes on the
 * portal's own origin every two seconds. Following a correlation id keeps, in every panel, what
 * carries it or the ids of the orders its events name (schedules and connections name no order and
 * stay whole), so one order can be followed from the HTTP
 * request through the stream, the bus, the queue, the workflow and the push.
 */

type Row = Record<string, unknown>;

/** A panel: the admin route it reads, how it picks its rows from the answer and how it shows one. */
interface Panel {
  readonly id: string;
  readonly route: (correlationId: string) => string;
  readonly rows: (answer: Row) => Row[];
  readonly show: (row: Row) => string;
  /** Whether following a correlation id narrows the panel; schedules and connections name no order. @default true */
  readonly follows?: boolean;
}

const arrayOf = (value: unknown): Row[] => (Array.isArray(value) ? (value as Row[]) : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value ?? ''));
const short = (value: unknown, length = 160): string => {
  const all = text(value);
  return all.length > length ? `${all.slice(0, length)}…` : all;
};

const panels: readonly Panel[] = [
  {
    id: 'requests',
    route: (id) => `/_local/logs?limit=200${id ? `&correlationId=${encodeURIComponent(id)}` : ''}`,
    rows: (answer) => arrayOf(answer.entries).filter((entry) => entry.kind === 'request'),
    show: (row) =>
      `${text(row.time)} ${text(row.function)} ${text(row.status)} ${text(row.durationMs)} ms ${text(row.correlationIds)}`,
  },
  {
    id: 'events',
    route: () => '/_local/events',
    rows: (answer) => arrayOf(answer.events),
    show: (row) => `${text(row.time)} ${text(row.source)} ${text(row.detailType)} ${short(row.detail)}`,
  },
  {
    id: 'streams',
    route: () => '/_local/streams',
    rows: (answer) =>
      arrayOf(answer.streams).flatMap((stream) =>
        arrayOf(stream.records).map((record) => ({ table: stream.tableName, ...record })),
      ),
    show: (row) =>
      `${text(row.table)} ${text(row.eventName)} ${short((row.dynamodb as Row | undefined)?.Keys)}`,
  },
  {
    id: 'queues',
    route: () => '/_local/queues',
    rows: (answer) => arrayOf(answer.queues),
    show: (row) =>
      `${text(row.name)} visible ${text(row.visible)} in flight ${text(row.inFlight)} ${short(row.messages, 120)}`,
  },
  {
    id: 'executions',
    route: () => '/_local/executions',
    rows: (answer) => arrayOf(answer.executions),
    show: (row) => `${text(row.stateMachineName)} ${text(row.name)} ${text(row.status)}`,
  },
  {
    id: 'schedules',
    route: () => '/_local/schedules',
    rows: (answer) => arrayOf(answer.schedules),
    show: (row) => `${text(row.kind)} ${text(row.name)} ${text(row.expression)} next ${text(row.nextRun)}`,
    follows: false,
  },
  {
    id: 'connections',
    route: () => '/_local/connections',
    rows: (answer) => arrayOf(answer.connections),
    show: (row) => short(row, 200),
    follows: false,
  },
  {
    id: 'notifications',
    route: () => '/_local/notifications',
    rows: (answer) => arrayOf(answer.notifications),
    show: (row) => `${text(row.protocol)} ${text(row.endpoint)} ${short(row.message)}`,
  },
  {
    id: 'logs',
    route: (id) => `/_local/logs?limit=200${id ? `&correlationId=${encodeURIComponent(id)}` : ''}`,
    rows: (answer) => arrayOf(answer.entries).filter((entry) => entry.kind === 'line'),
    show: (row) => `${text(row.function)} ${short(row.text, 240)}`,
  },
];

/** The ids a followed request leads to: its correlation id and the orders its events name. */
function followedIds(correlationId: string, events: readonly Row[]): string[] {
  const ids = new Set([correlationId]);
  for (const event of events) {
    const detail = (event.detail ?? {}) as Row;
    if (detail.correlationId !== correlationId) continue;
    const order = (detail.order ?? {}) as Row;
    for (const id of [detail.orderId, order.id]) if (typeof id === 'string') ids.add(id);
  }
  return [...ids];
}

const element = (id: string) => document.getElementById(id);

function render(panel: Panel, rows: readonly Row[]): void {
  const section = element(`panel-${panel.id}`);
  if (!section) return;
  const count = section.querySelector('.count');
  if (count) count.textContent = `(${rows.length})`;
  const list = section.querySelector('.rows');
  if (!list) return;
  list.replaceChildren(
    ...rows.slice(-50).map((row) => {
      const line = document.createElement('div');
      line.className = 'row';
      line.textContent = panel.show(row);
      return line;
    }),
  );
}

async function read(route: string): Promise<Row> {
  const response = await fetch(route, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${route}: ${response.status}`);
  return (await response.json()) as Row;
}

async function refresh(correlationId: string): Promise<void> {
  const answers = await Promise.all(panels.map((panel) => read(panel.route(correlationId))));
  const events = panels[1] ? panels[1].rows(answers[1] ?? {}) : [];
  const ids = correlationId ? followedIds(correlationId, events) : [];
  panels.forEach((panel, index) => {
    const rows = panel.rows(answers[index] ?? {});
    const followed = ids.length > 0 && panel.follows !== false;
    render(panel, followed ? rows.filter((row) => ids.some((id) => JSON.stringify(row).includes(id))) : rows);
  });
  const status = element('live-status');
  if (status) {
    status.textContent = correlationId
      ? `Following ${correlationId} (${ids.length - 1} orders).`
      : 'Live: everything the local cloud saw.';
    status.dataset.state = 'live';
  }
}

async function start(): Promise<void> {
  const status = element('live-status');
  const input = element('correlation-id') as HTMLInputElement | null;
  const params = new URLSearchParams(location.search);
  if (input) input.value = params.get('correlationId') ?? '';
  try {
    await read('/_local/health');
  } catch {
    if (status) {
      status.textContent =
        'The live panels need the local cloud: run npm start and open the portal URL it prints.';
      status.dataset.state = 'offline';
    }
    return;
  }
  const follow = () => {
    const id = input?.value.trim() ?? '';
    history.replaceState(null, '', id ? `?correlationId=${encodeURIComponent(id)}` : location.pathname);
    void refresh(id);
  };
  element('follow')?.addEventListener('submit', (event) => {
    event.preventDefault();
    follow();
  });
  element('clear')?.addEventListener('click', () => {
    if (input) input.value = '';
    follow();
  });
  await refresh(input?.value.trim() ?? '');
  setInterval(() => void refresh(input?.value.trim() ?? '').catch(() => undefined), 2000);
}

void start();
