import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import {
  isDevelopmentStage,
  pascalCase,
  serviceParameterName,
  serviceStackName,
  ServiceStack,
  ServiceTable,
} from '../src';
import { pizzasContract, pizzasStack } from './support';

describe('ServiceStack', () => {
  it('names itself Slice<Service>-<stage>', () => {
    const { stack } = pizzasStack('dev');

    expect(stack.stackName).toBe('SlicePizzas-dev');
  });

  it('keeps a stack name given in its props', () => {
    const stack = new ServiceStack(new App(), 'Pizzas', {
      stage: 'dev',
      service: pizzasContract.service,
      stackName: 'PizzasSandbox',
    });

    expect(stack.stackName).toBe('PizzasSandbox');
  });

  it('tags every resource with the stage, team and service', () => {
    const { stack } = pizzasStack('prod');
    new logs.LogGroup(stack, 'Logs');

    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', {
      Tags: Match.arrayWith([
        { Key: 'slice:service', Value: 'pizzas' },
        { Key: 'slice:stage', Value: 'prod' },
        { Key: 'slice:team', Value: 'menu' },
      ]),
    });
  });

  it('reads platform values from SSM parameters resolved at deploy time', () => {
    const { stack } = pizzasStack('prod');

    const domain = stack.platformValue('domain-name');
    new ssm.StringParameter(stack, 'Copy', { stringValue: domain });

    const template = Template.fromStack(stack);
    const parameters = template.findParameters('*', {
      Type: 'AWS::SSM::Parameter::Value<String>',
      Default: '/slice/prod/platform/domain-name',
    });
    expect(Object.keys(parameters)).toHaveLength(1);
    template.hasResourceProperties('AWS::SSM::Parameter', { Value: { Ref: Object.keys(parameters)[0] } });
  });

  it('imports the platform event bus, user pool and web ACL from their platform values', () => {
    const { stack } = pizzasStack('prod');
    const role = new iam.Role(stack, 'Publisher', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });

    stack.eventBus.grantPutEventsTo(role);
    new ssm.StringParameter(stack, 'Copy', {
      stringValue: `${stack.eventBus.eventBusName} ${stack.webAclArn} ${stack.userPool.userPoolId}`,
    });

    const template = Template.fromStack(stack);
    const defaults = Object.values(template.toJSON().Parameters as Record<string, { Default: string }>).map(
      (parameter) => parameter.Default,
    );
    expect(defaults).toEqual(
      expect.arrayContaining([
        '/slice/prod/platform/event-bus-name',
        '/slice/prod/platform/event-bus-arn',
        '/slice/prod/platform/user-pool-arn',
        '/slice/prod/platform/web-acl-arn',
      ]),
    );
    expect(stack.userPool.userPoolArn).toBe(stack.platformValue('user-pool-arn'));
    expect(stack.eventBus).toBe(stack.eventBus);
    expect(stack.eventBus.eventBusName).toBe(stack.platformValue('event-bus-name'));
  });

  it('is a development stack on dev and local only, and protects other stages from deletion', () => {
    expect(pizzasStack('dev').stack.isDevelopment).toBe(true);
    expect(pizzasStack('local').stack.isDevelopment).toBe(true);
    expect(pizzasStack('prod').stack.isDevelopment).toBe(false);
    expect(pizzasStack('dev').stack.terminationProtection).toBe(false);
    expect(pizzasStack('prod').stack.terminationProtection).toBe(true);
  });

  it('rejects a stage that cannot be part of SSM names and stage names', () => {
    expect(
      () => new ServiceStack(new App(), 'Bad', { stage: 'Prod_1', service: pizzasContract.service }),
    ).toThrow(/stage "Prod_1"/);
  });

  it('is found from any construct inside it', () => {
    const { stack } = pizzasStack('dev');
    const table = new ServiceTable(stack, 'Table');

    expect(ServiceStack.find(table.table)).toBe(stack);
    expect(ServiceStack.find(new Stack(new App(), 'Plain'))).toBeUndefined();
  });

  it('fails the synth on a cdk-nag finding nobody acknowledged', () => {
    const { stack } = pizzasStack('prod');
    const role = new iam.Role(stack, 'Wide', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));

    expect(() => Template.fromStack(stack)).toThrow(/AwsSolutions-IAM5\[Resource::\*\]/);
  });

  it('registers the cdk-nag checks once when an app holds several service stacks', () => {
    const app = new App();
    const first = new ServiceStack(app, 'One', { stage: 'dev', service: pizzasContract.service });
    const second = new ServiceStack(app, 'Two', { stage: 'prod', service: pizzasContract.service });
    new sns.Topic(first, 'Topic');
    new logs.LogGroup(second, 'Logs');

    const synth = () => app.synth();

    expect(synth).toThrow(/AwsSolutions-SNS3/);
    const message = (() => {
      try {
        synth();
        return '';
      } catch (error) {
        return String(error);
      }
    })();
    expect(message.match(/One\/Topic\/Resource/g)).toHaveLength(1);
  });
});

describe('naming helpers', () => {
  it('derive stack and SSM names from the service and stage', () => {
    expect(pascalCase('order-history')).toBe('OrderHistory');
    expect(serviceStackName('order-history', 'prod')).toBe('SliceOrderHistory-prod');
    expect(serviceParameterName('dev', 'orders', 'api-id')).toBe('/slice/dev/orders/api-id');
    expect(isDevelopmentStage('local')).toBe(true);
    expect(isDevelopmentStage('staging')).toBe(false);
  });
});
