import type { Contract, Route, ServiceInfo } from '@slice/contract';
import { Aspects, Stack, Stage, Tags, Validations, type StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { AwsSolutionsChecks, WriteNagSuppressionsToCloudFormationAspect } from 'cdk-nag';
import type { Construct, IConstruct } from 'constructs';
import { ServiceMonitoring } from './monitoring';
import {
  createHandlerFunction,
  createRouteFunctions,
  type HandlerFunctionProps,
  type RouteFunctions,
} from './route-functions';

/**
 * The stages whose data is disposable: tables and logs are destroyed with the stack.
 *
 * @example
 * ```ts
 * developmentStages.includes(stage); // same as isDevelopmentStage(stage)
 * ```
 */
export const developmentStages: readonly string[] = ['dev', 'local'];

/**
 * Whether a stage is a development stage (`dev` or `local`), where tables and logs are destroyed
 * with the stack and deletion protection is off.
 *
 * @example
 * ```ts
 * isDevelopmentStage('dev'); // true
 * isDevelopmentStage('prod'); // false
 * ```
 */
export function isDevelopmentStage(stage: string): boolean {
  return developmentStages.includes(stage);
}

/**
 * The `PascalCase` form of a service name, as used in stack names: `orders` → `Orders`,
 * `order-history` → `OrderHistory`.
 *
 * @example
 * ```ts
 * pascalCase('order-history'); // 'OrderHistory'
 * ```
 */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * The stack name of a service on a stage: `Slice<Service>-<stage>`.
 *
 * @example
 * ```ts
 * serviceStackName('orders', 'dev'); // 'SliceOrders-dev'
 * ```
 */
export function serviceStackName(serviceName: string, stage: string): string {
  return `Slice${pascalCase(serviceName)}-${stage}`;
}

/**
 * The SSM parameter name of a value a service publishes: `/slice/<stage>/<service>/<name>`.
 *
 * @example
 * ```ts
 * serviceParameterName('dev', 'orders', 'api-id'); // '/slice/dev/orders/api-id'
 * ```
 */
export function serviceParameterName(stage: string, serviceName: string, name: string): string {
  return `/slice/${stage}/${serviceName}/${name}`;
}

/**
 * Properties of a {@link ServiceStack}.
 *
 * @example
 * ```ts
 * const props: ServiceStackProps = { stage: 'prod', service: ordersContract.service, env: { region: 'eu-west-1' } };
 * ```
 */
export interface ServiceStackProps extends StackProps {
  /** The stage this stack deploys: `dev`, `prod`, `local`, a preview name. Lower case, digits and `-`. */
  readonly stage: string;

  /** The service the stack deploys, usually `contract.service` of the service's contract lib. */
  readonly service: ServiceInfo;

  /**
   * The name of the CloudFormation stack.
   *
   * @default `Slice<Service>-<stage>`, for example `SliceOrders-dev`
   */
  readonly stackName?: string;

  /**
   * Whether the stack refuses to be deleted.
   *
   * @default true outside development stages, false on `dev` and `local`
   */
  readonly terminationProtection?: boolean;
}

const SERVICE_STACK_SYMBOL = Symbol.for('@slice/cdk.ServiceStack');
const stagesWithNag = new WeakSet<IConstruct>();

/**
 * The stack of one Slice service on one stage. Everything a service deploys lives in it: its
 * functions, its table, its API. It names itself `Slice<Service>-<stage>`, tags every resource
 * with the stage, team and service, runs the cdk-nag AwsSolutions checks on synthesis (a finding
 * without a written acknowledgment fails the synth), and reads what the platform stack publishes
 * (event bus, user pool, WAF) from SSM parameters resolved by CloudFormation at deploy time, never
 * from CloudFormation exports.
 *
 * @example
 * ```ts
 * const app = new App();
 * const stack = new ServiceStack(app, 'Orders', { stage: 'dev', service: ordersContract.service });
 * stack.stackName; // 'SliceOrders-dev'
 * stack.eventBus.grantPutEventsTo(placeOrder);
 * ```
 */
export class ServiceStack extends Stack {
  /**
   * Whether `x` is a {@link ServiceStack}, also across copies of this library.
   *
   * @example
   * ```ts
   * if (ServiceStack.isServiceStack(Stack.of(construct))) { ... }
   * ```
   */
  static isServiceStack(x: unknown): x is ServiceStack {
    return typeof x === 'object' && x !== null && SERVICE_STACK_SYMBOL in x;
  }

  /**
   * The service stack a construct belongs to, or `undefined` when it is in another kind of stack.
   *
   * @example
   * ```ts
   * const stage = ServiceStack.find(this)?.stage;
   * ```
   */
  static find(construct: IConstruct): ServiceStack | undefined {
    let current: IConstruct | undefined = construct;
    while (current) {
      if (ServiceStack.isServiceStack(current)) return current;
      current = current.node.scope;
    }
    return undefined;
  }

  /** The stage: `dev`, `prod`, `local`... */
  readonly stage: string;

  /** The service this stack deploys. */
  readonly service: ServiceInfo;

  /** Whether this is a development stage (`dev`, `local`): data is disposable, protection off. */
  readonly isDevelopment: boolean;

  private importedEventBus?: events.IEventBus;
  private importedUserPool?: cognito.IUserPool;
  private serviceMonitoring?: ServiceMonitoring;
  private readonly aliases: lambda.Alias[] = [];

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    const { stage, service, stackName, terminationProtection, ...stackProps } = props;
    if (!/^[a-z][a-z0-9-]{0,30}$/.test(stage)) {
      throw new Error(
        `ServiceStack ${id}: stage "${stage}" must be lower case letters, digits and -, starting with a letter.`,
      );
    }
    if (!/^[a-z][a-z0-9-]*$/.test(service.name)) {
      throw new Error(
        `ServiceStack ${id}: service name "${service.name}" must be lower case letters, digits and -.`,
      );
    }
    const isDevelopment = isDevelopmentStage(stage);
    super(scope, id, {
      description: `Slice ${service.title} (${service.name} ${service.version}), stage ${stage}, owned by ${service.team}.`,
      ...stackProps,
      stackName: stackName ?? serviceStackName(service.name, stage),
      terminationProtection: terminationProtection ?? !isDevelopment,
    });
    Object.defineProperty(this, SERVICE_STACK_SYMBOL, { value: true });
    this.stage = stage;
    this.service = service;
    this.isDevelopment = isDevelopment;

    Tags.of(this).add('slice:stage', stage);
    Tags.of(this).add('slice:team', service.team);
    Tags.of(this).add('slice:service', service.name);

    // cdk-nag 3 runs as a CDK validation plugin: a finding without an acknowledgment fails the
    // synth. The plugin walks the whole app, so it is registered once per app (or stage).
    const enclosing = Stage.of(this);
    if (enclosing && !stagesWithNag.has(enclosing)) {
      stagesWithNag.add(enclosing);
      Validations.of(this).addPlugins(new AwsSolutionsChecks(undefined, { verbose: true }));
    }
    // Keeps the audit trail in the template: each acknowledged rule and its reason, as
    // `Metadata.cdk_nag.rules_to_suppress` of the resource it applies to.
    Aspects.of(this).add(new WriteNagSuppressionsToCloudFormationAspect());
  }

  /**
   * A value the platform stack publishes for this stage, read from the SSM parameter
   * `/slice/<stage>/platform/<name>`. It is a CloudFormation parameter resolved at deploy time (the
   * stack always gets the current value), not a lookup cached at synth time.
   *
   * @example
   * ```ts
   * const domain = stack.platformValue('domain-name');
   * ```
   */
  platformValue(name: string): string {
    return ssm.StringParameter.valueForStringParameter(this, `/slice/${this.stage}/platform/${name}`);
  }

  /**
   * The SSM parameter name of a value this service publishes: `/slice/<stage>/<service>/<name>`.
   *
   * @example
   * ```ts
   * new ssm.StringParameter(this, 'QueueUrl', { parameterName: this.parameterName('queue-url'), stringValue: queue.queueUrl });
   * ```
   */
  parameterName(name: string): string {
    return serviceParameterName(this.stage, this.service.name, name);
  }

  /**
   * The platform's event bus (`event-bus-name` and `event-bus-arn` platform values), to publish
   * domain events to and to subscribe rules on.
   */
  get eventBus(): events.IEventBus {
    this.importedEventBus ??= events.EventBus.fromEventBusAttributes(this, 'PlatformEventBus', {
      eventBusName: this.platformValue('event-bus-name'),
      eventBusArn: this.platformValue('event-bus-arn'),
      eventBusPolicy: '',
    });
    return this.importedEventBus;
  }

  /** The platform's Cognito user pool (`user-pool-arn` platform value), for the API authorizer. */
  get userPool(): cognito.IUserPool {
    this.importedUserPool ??= cognito.UserPool.fromUserPoolArn(
      this,
      'PlatformUserPool',
      this.platformValue('user-pool-arn'),
    );
    return this.importedUserPool;
  }

  /**
   * The platform's user pool when a route of the contract needs a signed-in caller, else
   * `undefined`: an API of public routes imports no pool (and keeps no unused parameter).
   *
   * @example
   * ```ts
   * new ServiceApi(this, 'Api', { contract, stage, handlers, userPool: this.userPoolFor(contract) });
   * ```
   */
  userPoolFor(contract: Contract): cognito.IUserPool | undefined {
    return Object.values(contract.routes).some((route) => route.auth !== 'public')
      ? this.userPool
      : undefined;
  }

  /** The ARN of the platform's regional WAF web ACL (`web-acl-arn` platform value). */
  get webAclArn(): string {
    return this.platformValue('web-acl-arn');
  }

  /**
   * One function per route of the contract, derived from each operation id so that no id is typed
   * twice: construct id `PlaceOrder`, entry `<handlers>/place-order.ts`, returned as its `live`
   * alias under `placeOrder`, ready for `ServiceApi`'s `handlers`.
   *
   * @example
   * ```ts
   * const routes = this.routeFunctions(ordersContract, { handlers: join(__dirname, '../src/handlers'), environment });
   * this.table.grantReadData(routes.getOrder);
   * new ServiceApi(this, 'Api', { contract: ordersContract, stage, handlers: routes, userPool: this.userPool });
   * ```
   */
  routeFunctions<R extends Record<string, Route>>(
    contract: Contract<R>,
    props: HandlerFunctionProps,
  ): RouteFunctions<R> {
    const routes = createRouteFunctions(this, contract, props);
    this.aliases.push(...Object.values<lambda.Alias>(routes));
    return routes;
  }

  /**
   * The function of an event handler (a stream, queue, schedule or workflow task), derived from its
   * name as routes are: `publishOrderEvents` → construct id `PublishOrderEvents`, entry
   * `<handlers>/publish-order-events.ts`; returns its `live` alias.
   *
   * @example
   * ```ts
   * const publish = this.handlerFunction('publishOrderEvents', { handlers, environment });
   * ```
   */
  handlerFunction(name: string, props: HandlerFunctionProps): lambda.Alias {
    const alias = createHandlerFunction(this, name, props);
    this.aliases.push(alias);
    return alias;
  }

  /** The `live` aliases of every function made by {@link routeFunctions} and {@link handlerFunction}, in order. */
  get liveAliases(): readonly lambda.Alias[] {
    return [...this.aliases];
  }

  /**
   * The service's dashboard and alarms. Functions, APIs, stream subscriptions, queues and
   * workflows of the stack register themselves; created with the first of them.
   */
  get monitoring(): ServiceMonitoring {
    this.serviceMonitoring ??= new ServiceMonitoring(this, 'Monitoring', {
      serviceName: this.service.name,
      stage: this.stage,
    });
    return this.serviceMonitoring;
  }
}
