import { socket } from '@slice/middleware';
import { deps } from '../deps';
import { closeConnection } from '../domain/use-cases';

/** `$disconnect`: forgets the connection and every order it followed (best effort, as AWS delivers it). */
export const handler = socket(async ({ connectionId }) => {
  await closeConnection(connectionId, deps);
  return { statusCode: 200 };
});
