/**
 * The local cloud's {@link TaskIntegrations}: every task calls the local AWS endpoint over HTTP,
 * signed with the access key of its state machine's role, in the wire protocol the service's SDK
 * speaks. The endpoint then checks the role's policy and answers exactly as it answers a
 * function's SDK (Lambda through the invoke API and the local runtime), so a task sees the same
 * errors, and the same IAM, as any other caller. No service's code is imported here.
 */
import { isRecord } from '../../json';
import type { Json, JsonObject } from './json';
import type { IntegrationOutcome, IntegrationRequest, TaskIntegrations } from './tasks/integrations';
import type { TaskService } from './tasks/resources';

/** What {@link createEndpointIntegrations} calls the endpoint with. */
export interface EndpointIntegrationsOptions {
  /** The local AWS endpoint (`http://127.0.0.1:<port>`). */
  readonly endpointUrl: () => string;
  readonly region: string;
  /** The access key id of a state machine's role; `undefined` for a state machine not known. */
  readonly accessKeyOf: (stateMachineArn: string) => string | undefined;
}

/** One HTTP request to the endpoint, before it is signed. */
interface WireRequest {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The JSON-protocol APIs: their `X-Amz-Target` prefix and content type. */
const JSON_APIS: Partial<Record<TaskService, { target: string; version: '1.0' | '1.1' }>> = {
  dynamodb: { target: 'DynamoDB_20120810', version: '1.0' },
  events: { target: 'AWSEvents', version: '1.1' },
  sqs: { target: 'AmazonSQS', version: '1.0' },
  states: { target: 'AWSStepFunctions', version: '1.0' },
};

/** The SigV4 signing name of each service. */
const SIGNING_NAMES: Record<TaskService, string> = {
  lambda: 'lambda',
  dynamodb: 'dynamodb',
  events: 'events',
  sqs: 'sqs',
  sns: 'sns',
  states: 'states',
};

const lowerFirst = (name: string) => `${name.charAt(0).toLowerCase()}${name.slice(1)}`;
const upperFirst = (name: string) => `${name.charAt(0).toUpperCase()}${name.slice(1)}`;

/** Renames the top-level members of an object (the Step Functions API is camelCase, its tasks PascalCase). */
const renamed = (value: JsonObject, rename: (name: string) => string): JsonObject =>
  Object.fromEntries(Object.entries(value).map(([name, each]) => [rename(name), each]));

function lambdaRequest({ request }: IntegrationRequest): WireRequest {
  const name = encodeURIComponent(typeof request.FunctionName === 'string' ? request.FunctionName : '');
  const qualifier =
    typeof request.Qualifier === 'string' ? `?Qualifier=${encodeURIComponent(request.Qualifier)}` : '';
  const payload = request.Payload;
  return {
    path: `/2015-03-31/functions/${name}/invocations${qualifier}`,
    headers: {
      'content-type': 'application/json',
      'x-amz-invocation-type':
        typeof request.InvocationType === 'string' ? request.InvocationType : 'RequestResponse',
    },
    body: payload === undefined ? '' : typeof payload === 'string' ? payload : JSON.stringify(payload),
  };
}

/** A value as a form field: text as is, anything else as its JSON. */
const formValue = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** The AWS Query protocol's form fields of an SNS `Publish` (`MessageAttributes.entry.N.*`). */
function snsForm({ operation, request }: IntegrationRequest): URLSearchParams {
  const form = new URLSearchParams({ Action: operation, Version: '2010-03-31' });
  for (const [name, value] of Object.entries(request)) {
    if (name === 'MessageAttributes' && isRecord(value)) {
      Object.entries(value).forEach(([attribute, content], index) => {
        const prefix = `MessageAttributes.entry.${index + 1}`;
        form.set(`${prefix}.Name`, attribute);
        for (const [field, text] of Object.entries(isRecord(content) ? content : {}))
          form.set(`${prefix}.Value.${field}`, formValue(text));
      });
    } else if (value !== null && value !== undefined) {
      form.set(name, formValue(value));
    }
  }
  return form;
}

function wireRequest(call: IntegrationRequest): WireRequest {
  if (call.service === 'lambda') return lambdaRequest(call);
  if (call.service === 'sns') {
    return {
      path: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: snsForm(call).toString(),
    };
  }
  const api = JSON_APIS[call.service];
  if (!api) throw new Error(`No wire protocol for ${call.service}`);
  const body = call.service === 'states' ? renamed(call.request, lowerFirst) : call.request;
  return {
    path: '/',
    headers: {
      'content-type': `application/x-amz-json-${api.version}`,
      'x-amz-target': `${api.target}.${call.operation}`,
    },
    body: JSON.stringify(body),
  };
}

/** The `Authorization` header the endpoint reads the caller from (it does not verify signatures). */
function authorization(
  accessKeyId: string,
  region: string,
  service: string,
  now: Date,
): Record<string, string> {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const date = stamp.slice(0, 8);
  return {
    'x-amz-date': stamp,
    authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${date}/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=local`,
  };
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };

/** An element's text in an XML answer (the Query protocol's), entities decoded. */
const xmlText = (xml: string, element: string): string | undefined => {
  const match = new RegExp(`<${element}>([\\s\\S]*?)</${element}>`).exec(xml);
  return match?.[1]?.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|quot|apos|amp);/g, (_entity, name: string) =>
    name.startsWith('#x')
      ? String.fromCodePoint(Number.parseInt(name.slice(2), 16))
      : name.startsWith('#')
        ? String.fromCodePoint(Number(name.slice(1)))
        : (NAMED_ENTITIES[name] ?? ''),
  );
};

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/** An error answer, in whichever protocol it came: `__type`, `x-amzn-ErrorType`, or `<Error><Code>`. */
function failureOf(response: Response, text: string): IntegrationOutcome {
  const body = parse(text);
  const json = isRecord(body) ? body : {};
  const code =
    response.headers.get('x-amzn-errortype')?.split(':')[0] ??
    (typeof json.__type === 'string' ? json.__type : undefined) ??
    xmlText(text, 'Code') ??
    'InternalFailure';
  const message =
    (typeof json.message === 'string' ? json.message : undefined) ??
    (typeof json.Message === 'string' ? json.Message : undefined) ??
    xmlText(text, 'Message') ??
    text;
  return { ok: false, code, message, statusCode: response.status };
}

/**
 * The Step Functions API answers camelCase with dates in epoch seconds; a `states:startExecution`
 * task's result is PascalCase with dates in epoch milliseconds, as Step Functions' own client writes them.
 */
function statesResponse(body: JsonObject): JsonObject {
  const result = renamed(body, upperFirst);
  for (const [name, value] of Object.entries(result))
    if (name.endsWith('Date') && typeof value === 'number') result[name] = Math.round(value * 1000);
  return result;
}

/** A successful answer as the task's integration reads it. */
function responseOf(call: IntegrationRequest, response: Response, text: string): JsonObject {
  if (call.service === 'lambda') {
    const functionError = response.headers.get('x-amz-function-error');
    return {
      StatusCode: response.status,
      Payload: (parse(text) as Json | undefined) ?? (text === '' ? null : text),
      ExecutedVersion: response.headers.get('x-amz-executed-version') ?? '$LATEST',
      ...(functionError === null ? {} : { FunctionError: functionError }),
    };
  }
  const body = parse(text);
  if (isRecord(body))
    return call.service === 'states' ? statesResponse(body as JsonObject) : (body as JsonObject);
  // The Query protocol (SNS): the result's fields are the elements of `<PublishResult>`.
  const result = xmlText(text, `${call.operation}Result`) ?? '';
  const fields: JsonObject = {};
  for (const match of result.matchAll(/<([A-Za-z]+)>([^<]*)<\/\1>/g))
    fields[match[1] as string] = match[2] as string;
  return fields;
}

/**
 * Creates the integrations that call the local AWS endpoint as each state machine's role.
 *
 * @example
 * ```ts
 * const integrations = createEndpointIntegrations({
 *   endpointUrl: () => endpoint.url,
 *   region: 'eu-west-1',
 *   accessKeyOf: (arn) => keys.get(arn),
 * });
 * const sfn = new StepFunctions({ integrations, clock });
 * ```
 */
export function createEndpointIntegrations(options: EndpointIntegrationsOptions): TaskIntegrations {
  return {
    async call(call, signal) {
      const accessKeyId = options.accessKeyOf(call.stateMachineArn);
      if (accessKeyId === undefined) {
        return {
          ok: false,
          code: 'UnrecognizedClientException',
          message: `The state machine ${call.stateMachineArn} is not deployed.`,
          statusCode: 403,
        };
      }
      const wire = wireRequest(call);
      let response: Response;
      let text: string;
      try {
        response = await fetch(`${options.endpointUrl()}${wire.path}`, {
          method: 'POST',
          headers: {
            ...wire.headers,
            ...authorization(accessKeyId, options.region, SIGNING_NAMES[call.service], new Date()),
          },
          body: wire.body,
          signal,
        });
        text = await response.text();
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const message = error instanceof Error ? error.message : String(error);
        return {
          ok: false,
          code: 'InternalFailure',
          message: `The local AWS endpoint did not answer: ${message}`,
          statusCode: 500,
        };
      }
      if (response.status >= 300) return failureOf(response, text);
      return { ok: true, response: responseOf(call, response, text) };
    },
  };
}
