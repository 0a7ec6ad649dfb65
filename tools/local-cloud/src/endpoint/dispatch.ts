import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../http';
import type { FunctionSpec } from '../model';
import type { ServiceRegistry } from '../services/registry';
import type { AwsProtocol, AwsService, RawAnswer, RawRequest, ServiceAnswer } from '../services/service';
import type { Authorizer } from './authorizer';
import { AwsError } from './errors';
import { type FaultInjector, injectedError } from './faults';
import { awsJsonProtocol } from './json-protocol';
import { type SigV4Credential, sigV4Credential } from './sigv4';

/** The largest request the endpoint reads: DynamoDB's limit, the largest of the APIs it serves. */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** How errors are written before the request's service is known: as DynamoDB writes them. */
const fallbackProtocol = awsJsonProtocol({ version: '1.0', qualifiedCommonErrors: true });

/** What {@link createDispatcher} dispatches with. */
export interface DispatcherOptions {
  readonly services: ServiceRegistry;
  /** Access key id → the function calling with it (see `createLocalIdentities`). */
  readonly identities: ReadonlyMap<string, FunctionSpec>;
  /** The functions as deployed now, by id: a redeployed function's new policy is the one checked. */
  readonly functions: () => ReadonlyMap<string, FunctionSpec>;
  readonly authorizer: Authorizer;
  readonly faults: FaultInjector;
  readonly log: (text: string) => void;
}

/** One request on its way through the endpoint. */
interface Dispatch {
  readonly raw: RawRequest;
  readonly target: string | undefined;
  readonly credential: SigV4Credential | undefined;
  readonly service: AwsService | undefined;
}

function write(res: ServerResponse, answer: RawAnswer): void {
  res.writeHead(answer.status, answer.headers as Record<string, string | string[]>);
  res.end(answer.body);
}

const toRaw = (protocol: AwsProtocol, answer: ServiceAnswer): RawAnswer =>
  answer.kind === 'raw' ? answer : protocol.write(answer.status ?? 200, answer.body);

/** The caller a request's access key stands for; AWS's errors for none or an unknown one. */
function identify(options: DispatcherOptions, dispatch: Dispatch, protocol: AwsProtocol): FunctionSpec {
  if (!dispatch.credential) {
    throw new AwsError(
      400,
      protocol.commonErrorType('MissingAuthenticationTokenException'),
      'Request is missing Authentication Token',
    );
  }
  const { accessKeyId } = dispatch.credential;
  const holder = options.identities.get(accessKeyId);
  const caller = holder && (options.functions().get(holder.id) ?? holder);
  if (!caller) {
    options.log(`A call signed with the unknown access key ${accessKeyId} was refused`);
    throw new AwsError(
      400,
      protocol.commonErrorType('UnrecognizedClientException'),
      'The security token included in the request is invalid.',
    );
  }
  return caller;
}

/** A request for a service nobody registered: the caller hears which ones the endpoint serves. */
function unknownService(options: DispatcherOptions, dispatch: Dispatch, caller: FunctionSpec): AwsError {
  const { raw, target, credential } = dispatch;
  const what = target ?? `${credential?.service ?? 'unknown'} ${raw.method} ${raw.url}`;
  options.log(`${caller.id} called ${what}: the local cloud does not emulate that service`);
  const served = options.services
    .all()
    .map((service) => service.describe)
    .join(', ');
  return new AwsError(
    400,
    fallbackProtocol.commonErrorType('UnknownOperationException'),
    `The local cloud does not emulate ${what}: it serves ${served}.`,
  );
}

/** Fails the call when a fault is pending for its action; `true` when the operation is to fail its entries. */
function injectFault(
  options: DispatcherOptions,
  caller: FunctionSpec,
  protocol: AwsProtocol,
  action: string,
): boolean {
  const kind = options.faults.take(action, caller.id);
  if (kind === undefined) return false;
  options.log(`fault injected: ${action} from ${caller.id} (${kind})`);
  if (kind === 'failed-entries') return true;
  throw injectedError(
    kind,
    protocol.commonErrorType(kind === 'throttling' ? 'ThrottlingException' : 'InternalFailure'),
  );
}

/** Identify, read, authorize, inject, answer: the steps every call of every service takes. */
async function answer(options: DispatcherOptions, dispatch: Dispatch): Promise<RawAnswer> {
  const protocol = dispatch.service?.protocol ?? fallbackProtocol;
  const caller = identify(options, dispatch, protocol);
  const { service } = dispatch;
  if (!service) throw unknownService(options, dispatch, caller);
  const { operation, input } = service.protocol.read(dispatch.raw);
  const call = service.call({ operation, input, raw: dispatch.raw }, caller);
  options.authorizer.authorize(caller, protocol, call.permissions);
  const failEntries = injectFault(options, caller, protocol, `${service.signingName}:${operation}`);
  return toRaw(protocol, await call.answer({ failEntries }));
}

function answerFailure(options: DispatcherOptions, dispatch: Dispatch, error: unknown): RawAnswer {
  const protocol = dispatch.service?.protocol ?? fallbackProtocol;
  if (error instanceof AwsError) return protocol.error(error);
  options.log(
    `Internal error answering ${dispatch.target ?? dispatch.raw.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  return protocol.error(
    new AwsError(500, protocol.commonErrorType('InternalFailure'), 'The local AWS endpoint failed.'),
  );
}

/**
 * Creates the local AWS endpoint's request handler: it reads who signed a request and for which
 * service (SigV4), finds the service in the registry (by `X-Amz-Target` prefix, else signing
 * name), lets the service's protocol read the operation, checks the permissions the service names
 * against the caller's policy, injects a pending fault, and writes the service's answer or AWS's
 * error in the service's protocol. It knows no service by name.
 *
 * @example
 * ```ts
 * const handle = createDispatcher({ services, identities, functions: () => byId, authorizer, faults, log });
 * createServer((req, res) => void handle(req, res));
 * ```
 */
export function createDispatcher(
  options: DispatcherOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    res.setHeader('x-amzn-RequestId', randomUUID());
    const header = req.headers['x-amz-target'];
    const target = typeof header === 'string' ? header : undefined;
    const credential = sigV4Credential(req.headers.authorization, req.url);
    const service = options.services.resolve({
      ...(target === undefined ? {} : { target }),
      ...(credential === undefined ? {} : { signingName: credential.service }),
    });
    const raw: RawRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: Buffer.alloc(0),
    };
    let dispatch: Dispatch = { raw, target, credential, service };
    try {
      if (raw.method === 'GET' && (raw.url === '/' || raw.url === '/health')) {
        const services = options.services.all().map((each) => each.targetPrefix ?? each.signingName);
        return write(res, fallbackProtocol.write(200, { status: 'ok', services }));
      }
      const body = await readBody(req, MAX_REQUEST_BYTES);
      if (body === undefined) {
        throw new AwsError(
          413,
          'com.amazon.coral.service#RequestEntityTooLarge',
          'Request entity too large.',
        );
      }
      dispatch = { ...dispatch, raw: { ...raw, body } };
      write(res, await answer(options, dispatch));
    } catch (error) {
      if (res.headersSent) res.destroy();
      else write(res, answerFailure(options, dispatch, error));
    }
  };
}
