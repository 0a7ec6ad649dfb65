import {
  InternalServerError,
  NotFoundError,
  problemContentType,
  ServiceUnavailableError,
  TooManyRequestsError,
} from '@slice/contract';
import { logger, problemResponse } from '../src';

class PizzaNotFound extends NotFoundError {
  override readonly kind = 'pizza-not-found';
}

describe('problemResponse', () => {
  const logged = () => ({
    error: jest.spyOn(logger, 'error').mockImplementation(() => undefined),
    info: jest.spyOn(logger, 'info').mockImplementation(() => undefined),
  });
  afterEach(() => jest.restoreAllMocks());

  it('logs a client error at info with its status, kind and message, and never at error', () => {
    // Prepare
    const log = logged();

    // Act
    problemResponse(new PizzaNotFound('No pizza p-1.'), 'c-1');

    // Assess
    expect(log.info).toHaveBeenCalledWith('Request refused', {
      status: 404,
      problem: 'pizza-not-found',
      detail: 'No pizza p-1.',
    });
    expect(log.error).not.toHaveBeenCalled();
  });

  it('logs a 500 at error with the error itself, and nothing at info', () => {
    const log = logged();
    const error = new InternalServerError('The oven broke.');

    problemResponse(error, 'c-1');

    expect(log.error).toHaveBeenCalledWith('Request failed', { error, status: 500 });
    expect(log.info).not.toHaveBeenCalled();
  });

  it('logs an unknown error at error as a 500, keeping the thrown Error', () => {
    const log = logged();
    const error = new TypeError('x is undefined');

    const response = problemResponse(error, 'c-1');

    expect(response.statusCode).toBe(500);
    expect(log.error).toHaveBeenCalledWith('Request failed', { error, status: 500 });
  });

  it('logs a thrown value that is not an Error as its text', () => {
    const log = logged();

    problemResponse('the oven is cold', undefined);

    expect(log.error).toHaveBeenCalledWith('Request failed', { error: 'the oven is cold', status: 500 });
  });

  it('answers problem+json that is never cached, showing a 4xx message and the correlation id', () => {
    logged();

    const response = problemResponse(new PizzaNotFound('No pizza p-1.'), 'c-1');

    expect(response).toEqual({
      statusCode: 404,
      headers: { 'content-type': problemContentType, 'cache-control': 'no-store' },
      body: JSON.stringify(new PizzaNotFound('No pizza p-1.').toProblem('c-1')),
    });
    expect(JSON.parse(response.body)).toMatchObject({ detail: 'No pizza p-1.', correlationId: 'c-1' });
  });

  it('shows only the correlation id of an unknown error', () => {
    logged();

    const response = problemResponse(new Error('table orders-prod-1234 is gone'), 'c-2');

    expect(JSON.parse(response.body)).toEqual({
      type: expect.any(String) as string,
      title: 'Internal Server Error',
      status: 500,
      correlationId: 'c-2',
    });
  });

  it('sends Retry-After only when the error carries one', () => {
    logged();

    const busy = problemResponse(new ServiceUnavailableError('Busy', { retryAfterSeconds: 3 }), 'c-1');
    const slow = problemResponse(new TooManyRequestsError('Slow down', { retryAfterSeconds: 0 }), 'c-1');
    const gone = problemResponse(new TooManyRequestsError('Slow down'), 'c-1');

    expect(busy.headers?.['retry-after']).toBe('3');
    expect(slow.headers?.['retry-after']).toBe('0');
    expect(gone.headers).not.toHaveProperty('retry-after');
  });
});
