/**
 * What the portal reads from synthesized CloudFormation templates: the DynamoDB tables and their
 * keys, and the EventBridge rules with their patterns and targets.
 */
import type { Json, SynthesizedStack, Template } from './inputs';

/** A key of a table or index: its partition key and, when it has one, its sort key. */
export interface KeySchema {
  readonly partitionKey: string;
  readonly sortKey?: string;
}

/** A DynamoDB table of a template. */
export interface TableKeys extends KeySchema {
  readonly logicalId: string;
  readonly indexes: ReadonlyArray<KeySchema & { readonly name: string }>;
  /** The stream's view type, when the table has a stream. */
  readonly stream?: string;
}

/** An EventBridge rule of a template: the events it matches and what it sends them to. */
export interface EventRule {
  readonly logicalId: string;
  readonly description?: string;
  readonly sources?: readonly string[];
  readonly detailTypes?: readonly string[];
  /** Each target as `SQS queue IntakeQueue`, `Lambda alias MarkOrderReadyLive`. */
  readonly targets: readonly string[];
}

const isObject = (value: Json | undefined): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const strings = (value: Json | undefined): string[] | undefined =>
  Array.isArray(value) ? value.filter((each): each is string => typeof each === 'string') : undefined;

/** `IntakeQueue6FB53B87` → `IntakeQueue`: the logical id without the hash the CDK appends. */
export const constructName = (logicalId: string): string => logicalId.replace(/[0-9A-F]{8}$/, '');

function keySchema(value: Json | undefined): KeySchema {
  const keys = Array.isArray(value) ? value.filter(isObject) : [];
  const named = (type: string) => keys.find((key) => key.KeyType === type)?.AttributeName;
  const partitionKey = named('HASH');
  const sortKey = named('RANGE');
  return {
    partitionKey: typeof partitionKey === 'string' ? partitionKey : '?',
    ...(typeof sortKey === 'string' ? { sortKey } : {}),
  };
}

const tableTypes = new Set(['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable']);

/** The tables of a template, with their keys, indexes and stream. */
export function tablesOf(template: Template): TableKeys[] {
  return Object.entries(template.Resources ?? {})
    .filter(([, resource]) => tableTypes.has(resource.Type))
    .map(([logicalId, { Properties: properties = {} }]) => {
      const indexes = (
        Array.isArray(properties.GlobalSecondaryIndexes) ? properties.GlobalSecondaryIndexes : []
      )
        .filter(isObject)
        .map((index) => ({
          name: typeof index.IndexName === 'string' ? index.IndexName : '?',
          ...keySchema(index.KeySchema),
        }));
      const stream = isObject(properties.StreamSpecification)
        ? properties.StreamSpecification.StreamViewType
        : undefined;
      return {
        logicalId,
        ...keySchema(properties.KeySchema),
        indexes,
        ...(typeof stream === 'string' ? { stream } : {}),
      };
    });
}

const targetKinds: Readonly<Record<string, string>> = {
  'AWS::SQS::Queue': 'SQS queue',
  'AWS::Lambda::Function': 'Lambda function',
  'AWS::Lambda::Alias': 'Lambda alias',
  'AWS::StepFunctions::StateMachine': 'state machine',
  'AWS::SNS::Topic': 'SNS topic',
  'AWS::Events::EventBus': 'event bus',
};

/** The logical id a target's `Arn` points at (`Ref` or `Fn::GetAtt`), if it is in the template. */
function referenced(arn: Json | undefined): string | undefined {
  if (!isObject(arn)) return undefined;
  if (typeof arn.Ref === 'string') return arn.Ref;
  const getAtt = strings(arn['Fn::GetAtt']);
  return getAtt?.[0];
}

function describeTarget(template: Template, target: Json): string {
  const id = isObject(target) ? referenced(target.Arn) : undefined;
  const resource = id === undefined ? undefined : template.Resources?.[id];
  if (id === undefined || resource === undefined) return 'a target outside the stack';
  return `${targetKinds[resource.Type] ?? resource.Type} ${constructName(id)}`;
}

/** The event-pattern rules of a template (scheduled rules have no pattern and are left out). */
export function eventRulesOf(template: Template): EventRule[] {
  return Object.entries(template.Resources ?? {})
    .filter(([, resource]) => resource.Type === 'AWS::Events::Rule')
    .flatMap(([logicalId, { Properties: properties = {} }]) => {
      const pattern = properties.EventPattern;
      if (!isObject(pattern)) return [];
      const sources = strings(pattern.source);
      const detailTypes = strings(pattern['detail-type']);
      const description = typeof properties.Description === 'string' ? properties.Description : undefined;
      const targets = (Array.isArray(properties.Targets) ? properties.Targets : []).map((target) =>
        describeTarget(template, target),
      );
      return [
        {
          logicalId,
          targets,
          ...(description === undefined ? {} : { description }),
          ...(sources === undefined ? {} : { sources }),
          ...(detailTypes === undefined ? {} : { detailTypes }),
        },
      ];
    });
}

/** Whether a rule matches events of a source and detail type (a field the pattern leaves out matches all). */
export const ruleMatches = (rule: EventRule, source: string, detailType: string): boolean =>
  (rule.sources?.includes(source) ?? true) && (rule.detailTypes?.includes(detailType) ?? true);

/** The stacks synthesized from one project folder. */
export const stacksOf = (stacks: readonly SynthesizedStack[], projectRoot: string): SynthesizedStack[] =>
  stacks.filter((stack) => stack.projectRoot === projectRoot);
