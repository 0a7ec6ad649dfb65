import * as z from 'zod';
import {
  ConflictError,
  fieldErrorsFrom,
  InternalServerError,
  NotFoundError,
  Problem,
  ServiceUnavailableError,
  ValidationError,
} from '../src';

class OrderNotFound extends NotFoundError {
  constructor(readonly orderId: string) {
    super(`Order ${orderId} was not found.`);
  }
}

describe('HttpError', () => {
  it('shows a client error its message as detail', () => {
    const problem = new OrderNotFound('o-1').toProblem('corr-1');
    expect(problem).toEqual({
      type: 'urn:slice:problem:not-found',
      title: 'Not Found',
      status: 404,
      detail: 'Order o-1 was not found.',
      correlationId: 'corr-1',
    });
    expect(Problem.parse(problem)).toEqual(problem);
  });

  it('shows a server error nothing but its title and correlation id', () => {
    const error = new InternalServerError('table orders-prod is missing', {
      cause: new Error('arn:aws:dynamodb:...'),
    });
    const problem = error.toProblem('corr-2');
    expect(JSON.stringify(problem)).not.toMatch(/orders-prod|arn:/);
    expect(problem).toEqual({
      type: 'urn:slice:problem:internal',
      title: 'Internal Server Error',
      status: 500,
      correlationId: 'corr-2',
    });
  });

  it('keeps the name of the subclass and its cause', () => {
    const cause = new Error('conditional check failed');
    const error = new ConflictError('The item changed.', { cause });
    expect(error.name).toBe('ConflictError');
    expect(error.cause).toBe(cause);
    expect(new OrderNotFound('o-2')).toBeInstanceOf(NotFoundError);
  });

  it('gives a 503 a default Retry-After of one second', () => {
    expect(new ServiceUnavailableError('throttled').retryAfterSeconds).toBe(1);
  });
});

describe('fieldErrorsFrom', () => {
  it('names each unknown field and each invalid one under its location', () => {
    const schema = z.strictObject({ quantity: z.number().int().min(1) });
    const result = schema.safeParse({ quantity: 0, customerId: 'x', status: 'PAID' });
    const errors = fieldErrorsFrom('body', result.error!);
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'body.quantity', message: expect.any(String) },
        { path: 'body.customerId', message: 'Unknown field.' },
        { path: 'body.status', message: 'Unknown field.' },
      ]),
    );
    expect(new ValidationError(errors).message).toMatch(/body\.customerId: Unknown field\..*body\.status/);
  });
});
