import { join } from 'node:path';
import { defineContract, defineRoute, IdempotencyKey } from '@slice/contract';
import { App, Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as z from 'zod';
import { IdempotencyTable, ServiceApi, ServiceFunction, ServiceStack, ServiceTable } from '../src';

/** The handler every test function bundles: tiny, so synth stays fast. */
export const fixtureEntry = join(__dirname, 'fixtures/handler.ts');

const Pizza = z.strictObject({ id: z.string(), name: z.string() });

/** A public GET with a required path parameter and an optional, defaulted query parameter. */
export const getPizza = defineRoute({
  method: 'GET',
  path: '/pizzas/{pizzaId}',
  operationId: 'getPizza',
  summary: 'One pizza',
  auth: 'public',
  request: {
    path: z.strictObject({ pizzaId: z.string() }),
    query: z.strictObject({ locale: z.string().optional(), size: z.enum(['s', 'm', 'l']).default('m') }),
  },
  status: 200,
  response: Pizza,
});

/** A user POST with a body, an Idempotency-Key and a required query parameter. */
export const addPizza = defineRoute({
  method: 'POST',
  path: '/pizzas',
  operationId: 'addPizza',
  summary: 'Add a pizza',
  auth: 'user',
  request: {
    query: z.strictObject({ menu: z.string() }),
    headers: z.strictObject({ 'idempotency-key': IdempotencyKey }),
    body: z.strictObject({ name: z.string() }),
  },
  status: 201,
  response: Pizza,
  idempotencyKey: true,
});

/** A staff DELETE on a nested path. */
export const retirePizza = defineRoute({
  method: 'DELETE',
  path: '/pizzas/{pizzaId}/retirement',
  operationId: 'retirePizza',
  summary: 'Retire a pizza',
  auth: 'staff',
  request: { path: z.strictObject({ pizzaId: z.string() }) },
  status: 204,
});

export const pizzasContract = defineContract({
  service: {
    name: 'pizzas',
    team: 'menu',
    basePath: '/pizzas',
    version: '1.2.0',
    title: 'Pizzas',
    description: 'A contract for the construct tests.',
  },
  routes: { getPizza, addPizza, retirePizza },
  events: {},
});

/** A contract whose routes are all public: its API needs no user pool. */
export const publicContract = defineContract({
  service: { ...pizzasContract.service, name: 'catalog', basePath: '/pizzas' },
  routes: { getPizza },
  events: {},
});

/**
 * A fresh app and service stack for the pizzas service. Asset bundling is skipped (as `cdk synth
 * --exclusively` does for other stacks) unless a test is about the bundle: esbuild itself takes
 * a second or two per handler folder.
 */
export function pizzasStack(stage = 'prod', { bundle = false } = {}): { app: App; stack: ServiceStack } {
  const app = new App(bundle ? {} : { context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new ServiceStack(app, 'Pizzas', {
    stage,
    service: pizzasContract.service,
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  return { app, stack };
}

/** Every construct of the library in one service stack, as a service team would assemble it. */
export interface PizzasService {
  readonly app: App;
  readonly stack: ServiceStack;
  readonly table: ServiceTable;
  readonly idempotency: IdempotencyTable;
  readonly handlers: { getPizza: ServiceFunction; addPizza: ServiceFunction; retirePizza: ServiceFunction };
  readonly api: ServiceApi<typeof pizzasContract.routes>;
}

/** Builds the pizzas service: a table with an index and a stream, idempotency, three functions, the API. */
export function buildPizzasService(stage = 'prod'): PizzasService {
  const { app, stack } = pizzasStack(stage);
  const table = new ServiceTable(stack, 'Table', {
    globalSecondaryIndexes: [
      { indexName: 'byMenu', partitionKey: { name: 'menu', type: dynamodb.AttributeType.STRING } },
    ],
    stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
  });
  const idempotency = new IdempotencyTable(stack, 'Idempotency');
  const handlers = {
    getPizza: new ServiceFunction(stack, 'GetPizza', { entry: fixtureEntry }),
    addPizza: new ServiceFunction(stack, 'AddPizza', { entry: fixtureEntry, timeout: Duration.seconds(6) }),
    retirePizza: new ServiceFunction(stack, 'RetirePizza', { entry: fixtureEntry }),
  };
  table.grantReadData(handlers.getPizza);
  table.grantReadWriteData(handlers.addPizza);
  table.grantWriteData(handlers.retirePizza);
  idempotency.grantIdempotency(handlers.addPizza);
  stack.eventBus.grantPutEventsTo(handlers.addPizza);
  handlers.addPizza.addEnvironment('EVENT_BUS_NAME', stack.eventBus.eventBusName);
  const api = new ServiceApi(stack, 'Api', {
    contract: pizzasContract,
    stage: stack.stage,
    handlers,
    userPool: stack.userPool,
    webAclArn: stack.webAclArn,
    corsOrigins: ['https://app.example.com'],
  });
  return { app, stack, table, idempotency, handlers, api };
}
