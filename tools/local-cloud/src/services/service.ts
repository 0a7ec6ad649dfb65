/**
 * The one interface every emulated AWS service of the local cloud implements, and the shapes the
 * local AWS endpoint hands it. The endpoint owns what every AWS API shares (reading SigV4, knowing
 * the caller, IAM, fault injection, writing the answer in the service's protocol); a service owns
 * only its operations and its state. A new service is one more folder under `src/services/`
 * exporting a factory that returns an {@link AwsService}, and one line registering it.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FunctionSpec, LocalModel } from '../model';
import type { AwsError } from '../endpoint/errors';

/** One permission an operation needs: an IAM action on resources (ARNs, or `*`). */
export interface RequiredPermission {
  readonly action: string;
  readonly resources: readonly string[];
}

/** A request as it reached the endpoint, its body read whole. */
export interface RawRequest {
  readonly method: string;
  /** The path and query, as sent (`/`, `/2015-03-31/functions/menu-get/invocations`). */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** An answer written byte for byte (dynalite's, a function's payload). */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: Buffer;
}

/**
 * What a service answers: a JSON body its protocol writes (with the protocol's content type), or
 * the exact bytes.
 */
export type ServiceAnswer =
  | { readonly kind: 'json'; readonly status?: number; readonly body: unknown }
  | ({ readonly kind: 'raw' } & RawAnswer);

/**
 * A JSON answer, status 200 unless given.
 *
 * @example
 * ```ts
 * return jsonAnswer({ Parameter: { Name: '/slice/dev/x', Value: 'y' } });
 * ```
 */
export const jsonAnswer = (body: unknown, status?: number): ServiceAnswer => ({
  kind: 'json',
  body,
  ...(status === undefined ? {} : { status }),
});

/** An operation of a request, as the service's protocol reads it. */
export interface ServiceRequest {
  /** `PutItem`, `SendMessage`, `Invoke`. */
  readonly operation: string;
  /** The operation's input: the JSON body, or what a REST protocol reads from path and query. */
  readonly input: Readonly<Record<string, unknown>>;
  /** The request itself, for a service that forwards it (DynamoDB to dynalite) or reads raw bytes. */
  readonly raw: RawRequest;
}

/** What the endpoint lets an answer know about the call. */
export interface AnswerContext {
  /**
   * An injected `failed-entries` fault is pending for this call: an operation with per-entry
   * results (`PutEvents`) fails every entry instead; others ignore it.
   */
  readonly failEntries: boolean;
}

/**
 * A call a service accepted: what IAM must allow first, and how to answer once allowed. The same
 * `{ permissions, answer }` shape for every service lets the endpoint check IAM and inject faults
 * in one place, before any state changes.
 */
export interface ServiceCall {
  /** Checked in order against the caller's policy; the first denied one answers `AccessDeniedException`. */
  readonly permissions: readonly RequiredPermission[];
  /** Runs only when every permission is allowed and no fault failed the call; throws {@link AwsError} for AWS's errors. */
  answer(context: AnswerContext): ServiceAnswer | Promise<ServiceAnswer>;
}

/**
 * How an AWS API reads its requests and writes its answers and errors: the AWS JSON protocol
 * (DynamoDB, SQS, EventBridge, SSM, Secrets Manager) or a REST protocol (Lambda).
 */
export interface AwsProtocol {
  /** The operation and its input; throws a `SerializationException` {@link AwsError} for a body it cannot read. */
  read(request: RawRequest): {
    readonly operation: string;
    readonly input: Readonly<Record<string, unknown>>;
  };
  /** The status, headers and bytes of a JSON answer. */
  write(status: number, body: unknown): RawAnswer;
  /** The status, headers and bytes of an error. */
  error(error: AwsError): RawAnswer;
  /**
   * The type of one of the errors every AWS API shares (`AccessDeniedException`,
   * `ThrottlingException`, `InternalFailure`...), as this API names it.
   */
  commonErrorType(name: string): string;
}

/** What a redeploy did to one kind of resource, by id (`<stackName>/<logicalId>`). */
export interface ResourceChanges {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly unchanged: readonly string[];
  readonly removed: readonly string[];
}

/** What a redeploy changes, kind by kind, in the redeployed stacks. */
export interface ModelChanges {
  /** A function is changed when its code asset, environment or settings differ (not its policy). */
  readonly functions: ResourceChanges;
  /** Functions whose role policy changed. */
  readonly policies: readonly string[];
  readonly apis: ResourceChanges;
  readonly tables: ResourceChanges;
  readonly eventSourceMappings: ResourceChanges;
}

/** A redeploy, as each part of the local cloud sees it. */
export interface ModelChange {
  /** The model served until now. */
  readonly previous: LocalModel;
  /** The model to serve from now: every stack but the redeployed ones is exactly as before. */
  readonly next: LocalModel;
  /** The stacks that were redeployed. */
  readonly stacks: ReadonlySet<string>;
  /** What changed in them. */
  readonly changes: ModelChanges;
}

/** What a part of the local cloud did with a redeploy. */
export interface ServiceUpdate {
  /** What it did not apply without a restart, one sentence each (a changed table's keys...). */
  readonly notes?: readonly string[];
}

/**
 * A part of the local cloud that a redeploy updates and a stop stops: every {@link AwsService},
 * and the parts no SDK calls (the gateway, the event sources).
 */
export interface LocalPart {
  /** Takes the model of a redeploy: creates what is new, drops what went, keeps what stayed. */
  update(change: ModelChange): Promise<ServiceUpdate>;
  /** Stops its timers, servers and processes; in-memory state is dropped. */
  stop(): Promise<void>;
}

/**
 * One emulated AWS service: it turns an operation of a caller into a {@link ServiceCall}, takes a
 * new model on redeploy, and stops.
 *
 * @example
 * ```ts
 * export function createSsmService(options: SsmServiceOptions): AwsService {
 *   return {
 *     signingName: 'ssm',
 *     targetPrefix: 'AmazonSSM',
 *     protocol: awsJsonProtocol('1.1'),
 *     describe: 'SSM GetParameter(s)',
 *     call: (request) => ssmCall(request.operation, request.input, options.sources),
 *     update: async () => ({}),
 *     stop: async () => undefined,
 *   };
 * }
 * ```
 */
export interface AwsService extends LocalPart {
  /** The SigV4 signing name (`dynamodb`, `sqs`, `lambda`): the service of the credential scope. */
  readonly signingName: string;
  /** The `X-Amz-Target` prefix of a JSON-protocol API (`DynamoDB_20120810`); none for a REST API. */
  readonly targetPrefix?: string;
  readonly protocol: AwsProtocol;
  /** What it serves, for the message answering an operation nobody serves (`SSM GetParameter(s)`). */
  readonly describe: string;
  /**
   * The call for `request` from `caller` (a function, or the operator). Throws an {@link AwsError}
   * for an operation it does not serve or an input AWS rejects before authorizing it.
   */
  call(request: ServiceRequest, caller: FunctionSpec): ServiceCall;
}
