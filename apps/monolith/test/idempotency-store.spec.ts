import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { routeIdempotencyStore } from '../src/adapters/idempotency-store';

const dynamo = mockClient(DynamoDBClient);
beforeEach(() => dynamo.reset());

const recordIdOf = async (operationId: string) => {
  dynamo.on(PutItemCommand).resolves({});
  const store = routeIdempotencyStore('idempotency', operationId, new DynamoDBClient({}));
  // As `http()` configures it: the caller and their key, no prefix and no function name.
  store.configure({ config: new IdempotencyConfig({ eventKeyJmesPath: 'key' }) });
  await store.saveInProgress({ key: 'alice:retry-key-1' });
  const put = dynamo.commandCalls(PutItemCommand).at(-1)?.args[0].input;
  return put?.Item?.id?.S ?? '';
};

describe('the idempotency store of a lambdalith route', () => {
  it('keys records by route, so one Idempotency-Key on two routes is two requests', async () => {
    const create = await recordIdOf('createMenuItem');
    const place = await recordIdOf('placeOrder');
    expect(create).toMatch(/#createMenuItem#[^#]+$/);
    expect(place).toMatch(/#placeOrder#[^#]+$/);
    expect(create.split('#').at(-1)).toBe(place.split('#').at(-1));
  });
});
