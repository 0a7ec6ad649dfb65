import { AwsError } from '../../endpoint/errors';
import type { RequiredPermission } from '../service';

/** Where the SSM and Secrets Manager answers come from. */
export interface ParameterSources {
  readonly region: string;
  readonly accountId: string;
  /** SSM parameters by name (`/slice/dev/platform/event-bus-name`). */
  readonly parameters: ReadonlyMap<string, string>;
  /** Secret values by ARN or name. */
  readonly secrets: ReadonlyMap<string, string>;
}

/** An operation, its IAM permissions, and how to answer once they are granted. */
export interface ParameterCall {
  readonly permissions: readonly RequiredPermission[];
  answer(): unknown;
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

/**
 * SSM `GetParameter` and `GetParameters` over a fixed map of parameters, with their IAM
 * permissions (`ssm:GetParameter(s)` on `arn:aws:ssm:<region>:<account>:parameter/<name>`).
 * Every parameter is a `String`, version 1.
 *
 * @example
 * ```ts
 * const call = ssmCall('GetParameter', { Name: '/slice/dev/platform/event-bus-name' }, sources);
 * call.permissions; // [{ action: 'ssm:GetParameter', resources: ['arn:aws:ssm:…:parameter/slice/dev/platform/event-bus-name'] }]
 * call.answer(); // { Parameter: { Name, Type: 'String', Value, Version: 1, ARN, DataType: 'text', ... } }
 * ```
 */
export function ssmCall(
  operation: string,
  request: Record<string, unknown>,
  sources: ParameterSources,
): ParameterCall {
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
        return { Parameter: parameter(sources, name, value) };
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
        return {
          Parameters: found,
          InvalidParameters: names.filter(
            (_, index) => lookUpParameter(sources, resolved[index] ?? '') === undefined,
          ),
        };
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
 * Finds a secret by the id a caller asked for: its key in the map, or the name inside a stored ARN
 * (with or without the random 6-character suffix Secrets Manager appends to it).
 */
function findSecret(sources: ParameterSources, id: string): { arn: string; name: string; value?: string } {
  const nameOf = (arn: string) => arn.replace(/^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:/, '');
  const withoutSuffix = (name: string) => name.replace(/-[A-Za-z0-9]{6}$/, '');
  const arnOf = (name: string) =>
    `arn:aws:secretsmanager:${sources.region}:${sources.accountId}:secret:${name}`;
  for (const [key, value] of sources.secrets) {
    const isArn = key.startsWith('arn:');
    if (key === id)
      return isArn
        ? { arn: key, name: withoutSuffix(nameOf(key)), value }
        : { arn: arnOf(key), name: key, value };
    if (isArn && (nameOf(key) === id || withoutSuffix(nameOf(key)) === id)) {
      return { arn: key, name: withoutSuffix(nameOf(key)), value };
    }
  }
  return id.startsWith('arn:') ? { arn: id, name: withoutSuffix(nameOf(id)) } : { arn: arnOf(id), name: id };
}

/**
 * Secrets Manager `GetSecretValue` over a fixed map of secrets (by ARN or name), with its IAM
 * permission (`secretsmanager:GetSecretValue` on the secret's ARN).
 *
 * @example
 * ```ts
 * secretsManagerCall('GetSecretValue', { SecretId: 'cursor-signing-key' }, sources).answer();
 * // { ARN, Name: 'cursor-signing-key', SecretString: '…', VersionId, VersionStages: ['AWSCURRENT'], CreatedDate }
 * ```
 */
export function secretsManagerCall(
  operation: string,
  request: Record<string, unknown>,
  sources: ParameterSources,
): ParameterCall {
  if (operation !== 'GetSecretValue') {
    throw new AwsError(
      400,
      'UnknownOperationException',
      `The local cloud does not implement Secrets Manager ${operation}.`,
    );
  }
  if (typeof request.SecretId !== 'string') {
    throw new AwsError(
      400,
      'ValidationException',
      "1 validation error detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null",
    );
  }
  const secret = findSecret(sources, request.SecretId);
  return {
    permissions: [{ action: 'secretsmanager:GetSecretValue', resources: [secret.arn] }],
    answer() {
      if (secret.value === undefined) {
        throw new AwsError(
          400,
          'ResourceNotFoundException',
          "Secrets Manager can't find the specified secret.",
        );
      }
      return {
        ARN: secret.arn,
        Name: secret.name,
        SecretString: secret.value,
        VersionId: '00000000-0000-0000-0000-000000000001',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 0,
      };
    },
  };
}
