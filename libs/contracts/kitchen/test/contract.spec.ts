import { toOpenApi } from '@slice/contract';
import { kitchenContract, Ticket } from '../src';

describe('the kitchen contract', () => {
  it('lives under its base path and names its owning team', () => {
    expect(kitchenContract.service).toMatchObject({ name: 'kitchen', team: 'kitchen', basePath: '/kitchen' });
  });

  it('documents every route in OpenAPI with an operation id', () => {
    const document = toOpenApi(kitchenContract);
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
    expect(operations.map((operation) => operation.operationId).sort()).toEqual(
      Object.keys(kitchenContract.routes).sort(),
    );
  });

  it('serves the ticket queue at the path, with the schema, the monolith served it', () => {
    const route = kitchenContract.routes.getKitchenQueue;
    expect({ method: route.method, path: route.path, auth: route.auth, status: route.status }).toEqual({
      method: 'GET',
      path: '/kitchen/queue',
      auth: 'staff',
      status: 200,
    });
  });
});

describe('Ticket', () => {
  const ticket = {
    id: '0b7c3f52-1f4e-4d59-9a55-2f1d9c4c6a10',
    orderId: '0b7c3f52-1f4e-4d59-9a55-2f1d9c4c6a10',
    customerId: 'alice',
    status: 'QUEUED',
    items: [{ itemId: 'margherita', name: 'Margherita', quantity: 2 }],
    bakeSeconds: 600,
    channel: 'sms',
    overdue: false,
    placedAt: '2026-12-01T18:00:00.000Z',
    workflow: { name: '0b7c3f52-1f4e-4d59-9a55-2f1d9c4c6a10', status: 'RUNNING' },
  };

  it('accepts a queued ticket with its workflow', () => {
    expect(Ticket.safeParse(ticket).success).toBe(true);
  });

  it('refuses an unknown status, an empty ticket and a field it does not declare', () => {
    expect(Ticket.safeParse({ ...ticket, status: 'BURNT' }).success).toBe(false);
    expect(Ticket.safeParse({ ...ticket, items: [] }).success).toBe(false);
    expect(Ticket.safeParse({ ...ticket, taskToken: 'secret' }).success).toBe(false);
  });
});
