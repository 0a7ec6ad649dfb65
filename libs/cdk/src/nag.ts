import { Validations } from 'aws-cdk-lib';
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
