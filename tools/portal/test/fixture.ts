/**
 * Portal inputs built in process from real contracts through the contract kit's public functions
 * (`toOpenApi`, `eventJsonSchemas`), a template per service and a front-door manifest, so a test
 * can change one input and see what the generated site shows.
 */
import { eventJsonSchemas, toOpenApi, type Contract } from '@slice/contract';
import { kitchenContract } from '@slice/contracts-kitchen';
import { monolithContract } from '@slice/contracts-monolith';
import { ordersContract } from '@slice/contracts-orders';
import type { FrontDoorManifest, Json, OpenApiDocument, PortalInputs, Template } from '../src';

export const contracts: readonly Contract[] = [kitchenContract, monolithContract, ordersContract];

/** Kitchen's template as the CDK writes it: a rule sending Orders' events to its queue. */
export const kitchenTemplate: Template = {
  Resources: {
    IntakeQueue6FB53B87: { Type: 'AWS::SQS::Queue', Properties: {} },
    IntakeOrderEventsE6E8ED56: {
      Type: 'AWS::Events::Rule',
      Properties: {
        EventPattern: { source: ['slice.orders'], 'detail-type': ['OrderPlaced', 'OrderCancelled'] },
        Targets: [{ Id: 'Target0', Arn: { 'Fn::GetAtt': ['IntakeQueue6FB53B87', 'Arn'] } }],
      },
    },
    Table710B521B: {
      Type: 'AWS::DynamoDB::GlobalTable',
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          { IndexName: 'gsi1', KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }] },
        ],
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      },
    },
  },
};

export const frontDoor: FrontDoorManifest = {
  services: [
    { service: 'orders', team: 'orders', basePaths: ['orders'], priority: 1100 },
    { service: 'kitchen', team: 'kitchen', basePaths: ['kitchen'], priority: 1200 },
  ],
  webSockets: [],
  headerRules: [],
  fallback: 'monolith',
};

/** The inputs of a workspace holding these contracts, with Kitchen's template. */
export function inputsOf(
  these: readonly Contract[] = contracts,
  overrides: Partial<PortalInputs> = {},
): PortalInputs {
  const project = (name: string, scope: string) => ({
    name,
    root: `apps/${name}`,
    tags: [`scope:${scope}`, 'type:app'],
  });
  return {
    projects: [project('kitchen', 'kitchen'), project('monolith', 'legacy'), project('orders', 'orders')],
    teams: {
      kitchen: { owners: ['@slice-pizza/kitchen'], purpose: 'Cooking' },
      orders: { owners: ['@slice-pizza/orders'], purpose: 'Orders' },
    },
    stewards: { legacy: ['kitchen', 'orders'] },
    codeowners:
      '* @slice-pizza/platform\n/apps/kitchen/ @slice-pizza/kitchen\n/apps/orders/ @slice-pizza/orders\n',
    openapi: Object.fromEntries(
      these.map((contract) => [contract.service.name, toOpenApi(contract) as unknown as OpenApiDocument]),
    ),
    eventSchemas: Object.fromEntries(
      these.map((contract) => [
        contract.service.name,
        eventJsonSchemas(contract) as unknown as Record<string, Json>,
      ]),
    ),
    sockets: {},
    stacks: [{ projectRoot: 'apps/kitchen', stackName: 'SliceKitchen-dev', template: kitchenTemplate }],
    frontDoor,
    readmes: { 'apps/orders': '# Orders\n\nPlaces **orders**.\n' },
    ...overrides,
  };
}
