import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledge, invokeWildcardFinding } from './nag';
import { isDevelopmentStage, ServiceStack } from './service-stack';

/** Props of {@link ServiceWorkflow}. */
export interface ServiceWorkflowProps {
  /** The function (or its `live` alias) of the workflow's task. */
  readonly task: lambda.IFunction;
  /**
   * How long one execution may run.
   * @default 15 minutes
   */
  readonly timeout?: Duration;
}

/**
 * A Standard Step Functions workflow around one Lambda task, as a service starts one: the task is
 * retried on Lambda's transient errors with backoff, every execution is logged (`ALL`, with
 * input and output left out: they may carry personal data) and traced, and the service's
 * dashboard alarms on failed, timed-out or aborted executions. Grow the definition from here.
 *
 * @example
 * ```ts
 * const workflow = new ServiceWorkflow(this, 'Workflow', { task: this.handlerFunction('runStep', functions) });
 * workflow.stateMachine.grantStartExecution(placeOrder);
 * ```
 */
export class ServiceWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: ServiceWorkflowProps) {
    super(scope, id);
    const stack = ServiceStack.find(this);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: stack && !isDevelopmentStage(stack.stage) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const task = new tasks.LambdaInvoke(this, 'Task', {
      lambdaFunction: props.task,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(task.next(new sfn.Succeed(this, 'Done'))),
      timeout: props.timeout ?? Duration.minutes(15),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    acknowledge(
      this.stateMachine.role,
      invokeWildcardFinding(props.task),
      'Invoking a function version or alias needs the qualified ARN: the grant is for this task function only.',
    );
    acknowledge(
      this.stateMachine.role,
      'AwsSolutions-IAM5[Resource::*]',
      'Log delivery to CloudWatch Logs (logs:*LogDelivery*) and X-Ray tracing support no resource-level permissions.',
    );
    stack?.monitoring.addWorkflow(this.stateMachine, id);
  }
}
