import { AwsError } from '../../endpoint/errors';
import { awsJsonProtocol } from '../../endpoint/json-protocol';
import { type AwsService, type ServiceCall, jsonAnswer } from '../service';

/** Where the Secrets Manager answers come from. */
export interface SecretSources {
  readonly region: string;
  readonly accountId: string;
  /** Secret values by ARN or name. */
  readonly secrets: ReadonlyMap<string, string>;
}

/**
 * Finds a secret by the id a caller asked for: its key in the map, or the name inside a stored ARN
 * (with or without the random 6-character suffix Secrets Manager appends to it).
 */
function findSecret(sources: SecretSources, id: string): { arn: string; name: string; value?: string } {
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

/** `GetSecretValue`, with its IAM permission (`secretsmanager:GetSecretValue` on the secret's ARN). */
function secretsManagerCall(
  operation: string,
  request: Readonly<Record<string, unknown>>,
  sources: SecretSources,
): ServiceCall {
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
      return jsonAnswer({
        ARN: secret.arn,
        Name: secret.name,
        SecretString: secret.value,
        VersionId: '00000000-0000-0000-0000-000000000001',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 0,
      });
    },
  };
}

/**
 * The local Secrets Manager: `GetSecretValue` over the templates' secrets (by ARN or name; a
 * generated secret's value is generated once at load). A redeploy brings the new model's secrets.
 *
 * @example
 * ```ts
 * services.register(createSecretsManagerService({ region, accountId, secrets: model.secrets }));
 * // a function's GetSecretValue({ SecretId: 'cursor-signing-key' }) answers { ARN, Name, SecretString, ... }
 * ```
 */
export function createSecretsManagerService(options: SecretSources): AwsService {
  let sources = options;
  return {
    signingName: 'secretsmanager',
    targetPrefix: 'secretsmanager',
    protocol: awsJsonProtocol({ version: '1.1' }),
    describe: 'Secrets Manager GetSecretValue',
    call: (request) => secretsManagerCall(request.operation, request.input, sources),
    update({ next }) {
      sources = { ...sources, secrets: next.secrets };
      return Promise.resolve({});
    },
    stop: () => Promise.resolve(),
  };
}
