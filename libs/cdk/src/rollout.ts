import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledge } from './nag';
import { stageConfig, type RolloutPolicy } from './stages';

/**
 * The `live` alias of a function: what the API and event sources invoke, and what CodeDeploy
 * shifts from one version to the next.
 *
 * @example
 * ```ts
 * const getOrder = liveAlias(new ServiceFunction(this, 'GetOrder', { entry }));
 * ```
 */
export function liveAlias(fn: lambda.Function): lambda.Alias {
  return new lambda.Alias(fn, 'Live', { aliasName: 'live', version: fn.currentVersion });
}

/** Props of {@link SafeRollout}. */
export interface SafeRolloutProps {
  /** The stage; its file says how versions roll out (all at once, or a canary). */
  readonly stage: string;
  /** The `live` aliases to roll out. */
  readonly aliases: readonly lambda.Alias[];
  /**
   * Alarms that stop and roll back a deployment: the service's 5xx and latency alarms.
   * @default []
   */
  readonly alarms?: readonly cloudwatch.IAlarm[];
  /**
   * Overrides the stage file's policy.
   * @default the stage's `rollout`
   */
  readonly rollout?: RolloutPolicy;
}

/** The CodeDeploy configuration for a rollout policy. */
export function deploymentConfigOf(policy: RolloutPolicy): codedeploy.ILambdaDeploymentConfig {
  if (policy.type === 'all-at-once') return codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE;
  if (policy.percent === 10 && policy.minutes === 5)
    return codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES;
  throw new Error(
    `No CodeDeploy configuration for a ${policy.percent}% canary of ${policy.minutes} minutes; add one.`,
  );
}

/**
 * Rolls every function of a service out through CodeDeploy: all at once in dev, a 10% canary for
 * five minutes in prod, rolled back automatically when a deployment fails or an alarm fires.
 *
 * @example
 * ```ts
 * new SafeRollout(this, 'Rollout', { stage, aliases: [getOrder, placeOrder], alarms: api.alarms });
 * ```
 */
export class SafeRollout extends Construct {
  readonly application: codedeploy.LambdaApplication;
  readonly groups: codedeploy.LambdaDeploymentGroup[];

  constructor(scope: Construct, id: string, props: SafeRolloutProps) {
    super(scope, id);
    const deploymentConfig = deploymentConfigOf(props.rollout ?? stageConfig(props.stage).rollout);
    this.application = new codedeploy.LambdaApplication(this, 'Application');
    const managed = 'service-role/AWSCodeDeployRoleForLambdaLimited';
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(managed)],
    });
    acknowledge(
      role,
      `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${managed}]`,
      'The AWS-managed Limited policy is the documented minimum for CodeDeploy to shift Lambda aliases.',
    );
    this.groups = props.aliases.map(
      (alias) =>
        new codedeploy.LambdaDeploymentGroup(this, alias.lambda.node.id, {
          application: this.application,
          alias,
          role,
          deploymentConfig,
          alarms: [...(props.alarms ?? [])],
          autoRollback: {
            failedDeployment: true,
            stoppedDeployment: true,
            deploymentInAlarm: (props.alarms ?? []).length > 0,
          },
        }),
    );
  }
}
