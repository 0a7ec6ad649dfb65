import type { Context } from 'aws-lambda';
import { lambdaContext } from './lambda-context';

/** A handler as the nodejs24.x runtime calls it: `(event, context)`, answering with a promise or a value. */
export type AsyncHandler<E, R> = (event: E, context: Context) => Promise<R> | R;

/**
 * Invokes a handler the way the nodejs24.x runtime does: with the event and a context, awaiting
 * the answer (that runtime no longer passes a callback). A thrown error rejects the promise, as
 * it fails the invocation.
 *
 * @example
 * ```ts
 * const response = await invoke(handler, restApiEvent({ method: 'GET', path: '/menu' }));
 * expect(response.statusCode).toBe(200);
 * ```
 */
export async function invoke<E, R>(
  handler: AsyncHandler<E, R>,
  event: E,
  context: Context = lambdaContext(),
): Promise<R> {
  return handler(event, context);
}
