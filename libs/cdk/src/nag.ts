import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges a cdk-nag finding on a construct and everything under it, with the reason a
 * reviewer reads in the template (`Metadata.cdk_nag.rules_to_suppress`). Findings of granular
 * rules are acknowledged one at a time: `AwsSolutions-IAM5[Resource::*]`.
 */
export function acknowledge(construct: IConstruct, id: string, reason: string): void {
  if (!reason.trim()) throw new Error(`Acknowledging ${id} on ${construct.node.path} needs a reason.`);
  Validations.of(construct).acknowledge({ id, reason });
}

/**
 * The granular cdk-nag finding of a grant to invoke a function and its versions
 * (`<fn ARN>:*`), which CDK's Lambda grants add for qualified invocations.
 *
 * @example
 * ```ts
 * acknowledge(role, invokeWildcardFinding(task), 'Invoking the task function by version or alias.');
 * ```
 */
export function invokeWildcardFinding(fn: lambda.IFunction): string {
  const isAlias = fn instanceof lambda.Alias;
  const logicalId = Stack.of(fn).getLogicalId(fn.node.defaultChild as CfnElement);
  return isAlias
    ? `AwsSolutions-IAM5[Resource::<${logicalId}>:*]`
    : `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`;
}
