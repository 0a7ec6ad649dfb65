import { defineRoute, NotFoundError } from '@slice/contract';
import * as z from 'zod';

export const Pizza = z.strictObject({ id: z.string(), name: z.string(), quantity: z.number().int() });

export const getPizza = defineRoute({
  method: 'GET',
  path: '/pizzas/{pizzaId}',
  operationId: 'getPizza',
  summary: 'One pizza',
  auth: 'public',
  request: {
    path: z.strictObject({ pizzaId: z.string().min(3) }),
    query: z.strictObject({ size: z.enum(['s', 'm', 'l']).default('m') }),
  },
  status: 200,
  response: Pizza,
});

export const orderPizza = defineRoute({
  method: 'POST',
  path: '/pizzas',
  operationId: 'orderPizza',
  summary: 'Order a pizza',
  auth: 'user',
  request: { body: z.strictObject({ name: z.string().min(1), quantity: z.number().int().min(1).max(20) }) },
  status: 201,
  response: Pizza,
  idempotencyKey: true,
});

export const removePizza = defineRoute({
  method: 'DELETE',
  path: '/pizzas/{pizzaId}',
  operationId: 'removePizza',
  summary: 'Remove a pizza',
  auth: 'staff',
  request: { path: z.strictObject({ pizzaId: z.string() }) },
  status: 204,
});

export class PizzaNotFound extends NotFoundError {
  constructor(pizzaId: string) {
    super(`Pizza ${pizzaId} is not on the menu.`);
  }
}
