import { InvalidDefinition, type StatesDefinition, loadDefinition } from './definition';
import { unsupportedResources } from './tasks/resources';

/** A state machine as a template declares it (`AWS::StepFunctions::StateMachine`), resolved. */
export interface StateMachineConfig {
  /** The state machine's name (`StateMachineName`, or the one CloudFormation generates). */
  readonly name: string;
  /** `DefinitionString` (or `Definition` as an object). */
  readonly definition: string | Record<string, unknown>;
  readonly definitionSubstitutions?: Readonly<Record<string, string>>;
  readonly roleArn: string;
  /** @default 'STANDARD' */
  readonly type?: 'STANDARD' | 'EXPRESS';
}

/** A state machine the local Step Functions runs. */
export interface StateMachine {
  readonly name: string;
  readonly arn: string;
  readonly roleArn: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly definition: StatesDefinition;
  /** The definition's JSON text, as `DescribeStateMachine` answers it. */
  readonly definitionText: string;
  readonly creationDate: number;
}

/**
 * Checks and builds a state machine: the definition validated (see {@link loadDefinition}) and
 * every Task resource one Slice's local Step Functions runs; anything else is an
 * {@link InvalidDefinition} naming the state machine.
 */
export const buildStateMachine = (
  config: StateMachineConfig,
  region: string,
  accountId: string,
  now: number,
): StateMachine => {
  const type = config.type ?? 'STANDARD';
  const definition = loadDefinition(config.name, config.definition, {
    type,
    ...(config.definitionSubstitutions ? { substitutions: config.definitionSubstitutions } : {}),
  });
  const unsupported = unsupportedResources(definition);
  if (unsupported.length > 0) {
    throw new InvalidDefinition(
      config.name,
      unsupported.map((resource) => `the Task resource ${resource} is not one the local cloud runs`),
    );
  }
  return {
    name: config.name,
    arn: `arn:aws:states:${region}:${accountId}:stateMachine:${config.name}`,
    roleArn: config.roleArn,
    type,
    definition,
    definitionText: JSON.stringify(definition),
    creationDate: now / 1000,
  };
};
