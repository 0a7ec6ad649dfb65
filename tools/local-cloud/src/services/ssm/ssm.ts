import { AwsError } from '../../endpoint/errors';
import { awsJsonProtocol } from '../../endpoint/json-protocol';
import { type AwsService, type ServiceCall, jsonAnswer } from '../service';

/** Where the SSM answers come from. */
export interface ParameterSources {
  readonly region: string;
  readonly accountId: string;
  /** SSM parameters by name (`/slice/dev/platform/event-bus-name`). */
  readonly parameters: ReadonlyMap<string, string>;
}

/** A parameter name from a name or an ARN (`arn:aws:ssm:…:parameter/slice/dev/x` → `/slice/dev/x`). */
function parameterName(nameOrArn: string): string {
  const match = /^arn:[^:]+:ssm:[^:]*:[^:]*:parameter(\/.*)$/.exec(nameOrArn);
  return match?.[1] ?? nameOrArn;
}

/** SSM writes a parameter's ARN without the name's leading slash. */
function parameterArn(sources: ParameterSources, name: string): string {
  return `arn:aws:ssm:${sources.region}:${sources.accountId}:parameter/${name.replace(/^\//, '')}`;
}

function lookUpParameter(sources: ParameterSources, name: string): string | undefined {
  // SSM names are one namespace with or without the leading slash of a path.
  return (
    sources.parameters.get(name) ?? sources.parameters.get(name.startsWith('/') ? name.slice(1) : `/${name}`)
  );
}

function parameter(sources: ParameterSources, name: string, value: string): Record<string, unknown> {
  return {
    Name: name,
    Type: 'String',
    Value: value,
    Version: 1,
    ARN: parameterArn(sources, name),
    DataType: 'text',
    LastModifiedDate: 0,
  };
}

/** `GetParameter` and `GetParameters`, with their IAM permissions (`ssm:GetParameter(s)` on the parameters' ARNs). */
function ssmCall(
  operation: string,
  request: Readonly<Record<string, unknown>>,
  sources: ParameterSources,
): ServiceCall {
  if (operation === 'GetParameter') {
    if (typeof request.Name !== 'string') {
      throw new AwsError(
        400,
        'ValidationException',
        "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
      );
    }
    const name = parameterName(request.Name);
    return {
      permissions: [{ action: 'ssm:GetParameter', resources: [parameterArn(sources, name)] }],
      answer() {
        const value = lookUpParameter(sources, name);
        if (value === undefined) throw new AwsError(400, 'ParameterNotFound', `Parameter ${name} not found.`);
        return jsonAnswer({ Parameter: parameter(sources, name, value) });
      },
    };
  }
  if (operation === 'GetParameters') {
    const names = Array.isArray(request.Names)
      ? request.Names.filter((name) => typeof name === 'string')
      : [];
    if (names.length === 0 || names.length > 10) {
      throw new AwsError(
        400,
        'ValidationException',
        `1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length between 1 and 10`,
      );
    }
    const resolved = names.map(parameterName);
    return {
      permissions: [
        { action: 'ssm:GetParameters', resources: resolved.map((name) => parameterArn(sources, name)) },
      ],
      answer() {
        const found = resolved.flatMap((name) => {
          const value = lookUpParameter(sources, name);
          return value === undefined ? [] : [parameter(sources, name, value)];
        });
        return jsonAnswer({
          Parameters: found,
          InvalidParameters: names.filter(
            (_, index) => lookUpParameter(sources, resolved[index] ?? '') === undefined,
          ),
        });
      },
    };
  }
  throw new AwsError(
    400,
    'UnknownOperationException',
    `The local cloud does not implement SSM ${operation}.`,
  );
}

/**
 * The local SSM Parameter Store: `GetParameter` and `GetParameters` over the parameters the
 * templates read and the local cloud sets (`/slice/<stage>/platform/api-url`...). Every parameter
 * is a `String`, version 1. A redeploy brings the new model's parameters.
 *
 * @example
 * ```ts
 * services.register(createSsmService({ region, accountId, parameters: model.parameters }));
 * // a function's GetParameter({ Name: '/slice/dev/platform/event-bus-name' }) answers { Parameter: { Value, ... } }
 * ```
 */
export function createSsmService(options: ParameterSources): AwsService {
  let sources = options;
  return {
    signingName: 'ssm',
    targetPrefix: 'AmazonSSM',
    protocol: awsJsonProtocol({ version: '1.1' }),
    describe: 'SSM GetParameter(s)',
    call: (request) => ssmCall(request.operation, request.input, sources),
    update({ next }) {
      sources = { ...sources, parameters: next.parameters };
      return Promise.resolve({});
    },
    stop: () => Promise.resolve(),
  };
}
