import { socket } from '@slice/middleware';
import { unknownAction } from '../domain/use-cases';

/** `$default`: a message no route takes gets an error naming the actions the API accepts. */
export const handler = socket(({ body }) =>
  Promise.resolve({
    statusCode: 200,
    body: JSON.stringify(unknownAction(body)),
  }),
);
