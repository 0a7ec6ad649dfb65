/**
 * The APIs the storefront calls, as typed clients generated from the services' contracts: Menu
 * (public) and Orders (signed in, with the ID token the Cognito authorizer takes).
 */
import { createClient, ProblemResponseError, UpstreamUnavailableError } from '@slice/contract';
import { menuContract } from '@slice/contracts-menu';
import { ordersContract } from '@slice/contracts-orders';

/** The clients of one configuration. */
export function apiClients(apiUrl: string, token: () => string) {
  return {
    menu: createClient(menuContract, { baseUrl: apiUrl, timeoutMs: 10_000 }),
    orders: createClient(ordersContract, { baseUrl: apiUrl, token, timeoutMs: 10_000 }),
  };
}

/** The clients. */
export type ApiClients = ReturnType<typeof apiClients>;

/** What the page shows for a failed call: a problem+json's title and detail, as the API wrote them. */
export interface ShownError {
  readonly title: string;
  readonly detail?: string;
}

/** The title and detail of a failed call. */
export function shownError(error: unknown): ShownError {
  if (error instanceof ProblemResponseError) {
    const { title, detail } = error.problem;
    return detail ? { title, detail } : { title };
  }
  if (error instanceof UpstreamUnavailableError)
    return {
      title: 'Service unavailable',
      detail: 'Slice could not answer just now; try again in a moment.',
    };
  return { title: 'Something went wrong', detail: error instanceof Error ? error.message : String(error) };
}
