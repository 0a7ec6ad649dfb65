/**
 * Step Functions state machines as the templates declare them (`AWS::StepFunctions::StateMachine`),
 * resolved and checked at load: a definition the local Step Functions cannot run fails the load,
 * naming the stack and the state machine, before anything starts or a redeploy changes anything.
 */
import type { StateMachineSpec } from '../model';
import { InvalidDefinition } from '../services/stepfunctions/definition';
import { buildStateMachine } from '../services/stepfunctions/state-machines';
import type { RolePolicies } from './iam';
import { type Resolver, UnresolvableError } from './resolve';
import { isRecord } from '../json';

/** What {@link stateMachineOf} reads a state machine with. */
export interface StateMachineContext {
  readonly resolver: Resolver;
  readonly policies: RolePolicies;
  readonly accountId: string;
  readonly warn: (message: string) => void;
}

/** `Definition` (an object) or `DefinitionString` (a JSON text), as CloudFormation takes either. */
function definitionOf(context: StateMachineContext, stackName: string, logicalId: string): string {
  const { resolver } = context;
  const text = resolver.property(stackName, logicalId, 'DefinitionString');
  if (typeof text === 'string') return text;
  const object = resolver.property(stackName, logicalId, 'Definition');
  if (isRecord(object)) return JSON.stringify(object);
  const reason =
    resolver.property(stackName, logicalId, 'DefinitionS3Location') === undefined
      ? 'the state machine has no DefinitionString or Definition'
      : 'DefinitionS3Location is not read by the local cloud: synthesize the definition into the template (DefinitionBody.fromChainable or fromString)';
  throw new UnresolvableError({ stackName, path: `${logicalId}.Properties`, reason });
}

function substitutionsOf(
  context: StateMachineContext,
  stackName: string,
  logicalId: string,
): Record<string, string> {
  const value = context.resolver.property(stackName, logicalId, 'DefinitionSubstitutions');
  if (value === undefined) return {};
  if (!isRecord(value)) {
    throw new UnresolvableError({
      stackName,
      path: `${logicalId}.Properties.DefinitionSubstitutions`,
      reason: 'DefinitionSubstitutions must be a map of names to values',
    });
  }
  // CloudFormation takes strings, numbers and booleans and substitutes their text.
  return Object.fromEntries(Object.entries(value).map(([name, each]) => [name, String(each)]));
}

/** Settings the local Step Functions does not apply, said once at load. */
function warnIgnored(context: StateMachineContext, stackName: string, logicalId: string): void {
  const id = `${stackName}/${logicalId}`;
  const { resolver, warn } = context;
  if (resolver.property(stackName, logicalId, 'LoggingConfiguration') !== undefined)
    warn(
      `${id} has a LoggingConfiguration: the local cloud keeps every execution's history instead (GET /_local/executions).`,
    );
  const tracing = resolver.property(stackName, logicalId, 'TracingConfiguration');
  if (isRecord(tracing) && tracing['Enabled'] === true)
    warn(`${id} enables X-Ray tracing, which the local cloud does not record.`);
}

/**
 * One state machine of a template, resolved and validated as `CreateStateMachine` validates it
 * (asl-validator, the substitutions applied, every Task resource one the local cloud runs).
 *
 * @example
 * ```ts
 * const spec = stateMachineOf(context, 'SliceKitchen-dev', 'OrderWorkflow1A2B3C4D');
 * spec.arn; // 'arn:aws:states:eu-west-1:000000000000:stateMachine:OrderWorkflow1A2B3C4D-…'
 * ```
 */
export function stateMachineOf(
  context: StateMachineContext,
  stackName: string,
  logicalId: string,
): StateMachineSpec {
  const { resolver } = context;
  const id = `${stackName}/${logicalId}`;
  const name = resolver.attribute(stackName, logicalId, 'Name', logicalId) as string;
  const arn = resolver.physicalId(stackName, logicalId);
  const definition = definitionOf(context, stackName, logicalId);
  const definitionSubstitutions = substitutionsOf(context, stackName, logicalId);
  const roleArn = resolver.stringProperty(stackName, logicalId, 'RoleArn') ?? '';
  const declared = resolver.stringProperty(stackName, logicalId, 'StateMachineType') ?? 'STANDARD';
  if (declared !== 'STANDARD' && declared !== 'EXPRESS') {
    throw new UnresolvableError({
      stackName,
      path: `${logicalId}.Properties.StateMachineType`,
      reason: `StateMachineType must be STANDARD or EXPRESS, not ${declared}`,
    });
  }
  try {
    const region = arn.split(':')[3] ?? '';
    buildStateMachine(
      { name, definition, definitionSubstitutions, roleArn, type: declared },
      region,
      context.accountId,
      0,
    );
  } catch (error) {
    if (!(error instanceof InvalidDefinition)) throw error;
    throw new UnresolvableError({
      stackName,
      path: `${logicalId}.Properties.DefinitionString`,
      reason: error.message,
    });
  }
  warnIgnored(context, stackName, logicalId);
  return {
    id,
    stackName,
    logicalId,
    name,
    arn,
    definition,
    definitionSubstitutions,
    roleArn,
    type: declared,
    policy: context.policies.statements(roleArn, id),
  };
}
