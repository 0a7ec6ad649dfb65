import * as z from 'zod';
import {
  BadRequestError,
  ConflictError,
  describeFieldErrors,
  fieldErrorsFrom,
  ForbiddenError,
  type HttpError,
  InternalServerError,
  NotFoundError,
  PayloadTooLargeError,
  Problem,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
  UnprocessableContentError,
  UnsupportedMediaTypeError,
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

describe('the problem classes', () => {
  it.each<[number, string, string, new (message: string) => HttpError]>([
    [400, 'Bad Request', 'bad-request', BadRequestError],
    [401, 'Unauthorized', 'unauthorized', UnauthorizedError],
    [403, 'Forbidden', 'forbidden', ForbiddenError],
    [404, 'Not Found', 'not-found', NotFoundError],
    [409, 'Conflict', 'conflict', ConflictError],
    [413, 'Payload Too Large', 'payload-too-large', PayloadTooLargeError],
    [415, 'Unsupported Media Type', 'unsupported-media-type', UnsupportedMediaTypeError],
    [422, 'Unprocessable Content', 'unprocessable', UnprocessableContentError],
    [429, 'Too Many Requests', 'too-many-requests', TooManyRequestsError],
  ])('a %i answers %s as urn:slice:problem:%s, its message as detail', (status, title, kind, Kind) => {
    const error = new Kind('What went wrong.');
    expect(error.name).toBe(Kind.name);
    expect(error.expose).toBe(true);
    expect(error.toProblem()).toEqual({
      type: `urn:slice:problem:${kind}`,
      title,
      status,
      detail: 'What went wrong.',
    });
  });

  it('answers a 503 without its message', () => {
    expect(new ServiceUnavailableError('table throttled').toProblem()).toEqual({
      type: 'urn:slice:problem:unavailable',
      title: 'Service Unavailable',
      status: 503,
    });
  });

  it("shows a client error's detail option over its message, and its invalid fields", () => {
    const errors = [{ path: 'query.limit', message: 'Too big.' }];
    const error = new BadRequestError('internal words', { detail: 'The limit is at most 100.', errors });
    expect(error.toProblem()).toEqual({
      type: 'urn:slice:problem:bad-request',
      title: 'Bad Request',
      status: 400,
      detail: 'The limit is at most 100.',
      errors,
    });
    expect(new BadRequestError('No fields.', { errors: [] }).toProblem()).not.toHaveProperty('errors');
    expect(new BadRequestError('No cause.')).not.toHaveProperty('cause');
  });

  it('never shows the invalid fields of a server error', () => {
    const errors = [{ path: 'body.secret', message: 'Leaked.' }];
    expect(new InternalServerError('boom', { errors }).toProblem()).not.toHaveProperty('errors');
  });

  it('lets a 503 say how long to wait', () => {
    expect(new ServiceUnavailableError('throttled', { retryAfterSeconds: 30 }).retryAfterSeconds).toBe(30);
    expect(new TooManyRequestsError('slow down').retryAfterSeconds).toBeUndefined();
  });

  it('describes the invalid fields in one sentence, and a ValidationError names them as its kind', () => {
    const errors = [
      { path: 'body.name', message: 'Required.' },
      { path: 'query.limit', message: 'Too big.' },
    ];
    expect(describeFieldErrors(errors)).toBe('Invalid request: body.name: Required.; query.limit: Too big..');
    expect(new ValidationError(errors).toProblem()).toMatchObject({
      type: 'urn:slice:problem:validation',
      status: 400,
      detail: 'Invalid request: body.name: Required.; query.limit: Too big..',
      errors,
    });
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

  it('names a nested field by its path, and an issue of the whole value by its location', () => {
    const nested = z.strictObject({ items: z.array(z.strictObject({ quantity: z.number() })) });
    expect(fieldErrorsFrom('body', nested.safeParse({ items: [{ quantity: 'two' }] }).error!)).toEqual([
      { path: 'body.items.0.quantity', message: expect.any(String) },
    ]);
    expect(fieldErrorsFrom('query', nested.safeParse('nope').error!)).toEqual([
      { path: 'query', message: expect.any(String) },
    ]);
  });
});
