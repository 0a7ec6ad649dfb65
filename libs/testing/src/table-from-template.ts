import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';

const tableTypes = ['AWS::DynamoDB::GlobalTable', 'AWS::DynamoDB::Table'] as const;

const KeySchema = z
  .array(z.object({ AttributeName: z.string(), KeyType: z.enum(['HASH', 'RANGE']) }))
  .min(1)
  .max(2);
const Projection = z.object({
  ProjectionType: z.enum(['ALL', 'KEYS_ONLY', 'INCLUDE']).optional(),
  NonKeyAttributes: z.array(z.string()).optional(),
});
const Index = z.object({ IndexName: z.string(), KeySchema, Projection });

// The properties both resource types share and CreateTable needs; the rest (replicas, TTL,
// encryption, throughput, tags) has no meaning for a local table and is ignored.
const TableProperties = z.object({
  TableName: z.unknown().optional(),
  KeySchema,
  AttributeDefinitions: z.array(
    z.object({ AttributeName: z.string(), AttributeType: z.enum(['S', 'N', 'B']) }),
  ),
  GlobalSecondaryIndexes: z.array(Index).optional(),
  LocalSecondaryIndexes: z.array(Index).optional(),
  StreamSpecification: z
    .object({ StreamViewType: z.enum(['NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY']) })
    .optional(),
});

const Resources = z.record(z.string(), z.object({ Type: z.string(), Properties: z.unknown().optional() }));

function resourcesOf(template: object): z.infer<typeof Resources> {
  const parsed = Resources.safeParse((template as { Resources?: unknown }).Resources);
  if (!parsed.success) throw new Error('The template has no Resources section.');
  return parsed.data;
}

/**
 * The logical ids of the DynamoDB tables (`AWS::DynamoDB::GlobalTable`, as CDK's `TableV2`
 * synthesizes, or `AWS::DynamoDB::Table`) in a synthesized CloudFormation template.
 *
 * @example
 * ```ts
 * const [logicalId] = tableLogicalIds(Template.fromStack(stack).toJSON());
 * ```
 */
export function tableLogicalIds(template: object): string[] {
  return Object.entries(resourcesOf(template))
    .filter(([, resource]) => (tableTypes as readonly string[]).includes(resource.Type))
    .map(([logicalId]) => logicalId);
}

/**
 * The `CreateTable` input for a table of a synthesized CloudFormation template: key schema,
 * attribute definitions, global and local secondary indexes with their projections, the stream
 * and on-demand billing. The table is named `tableName` when given, else its literal `TableName`,
 * else its logical id (a name CloudFormation would generate, or one built with intrinsic functions,
 * cannot be resolved here). Throws, naming the resource, when the table is missing or malformed.
 *
 * @example
 * ```ts
 * const template = Template.fromStack(new OrdersStack(app, 'Orders')).toJSON();
 * await createTable(db.client, tableInputFromTemplate(template, 'OrdersTable1A2B3C4D', 'orders'));
 * ```
 */
export function tableInputFromTemplate(
  template: object,
  logicalId: string,
  tableName?: string,
): CreateTableCommandInput {
  const resource = resourcesOf(template)[logicalId];
  if (!resource || !(tableTypes as readonly string[]).includes(resource.Type)) {
    const found = tableLogicalIds(template);
    throw new Error(
      `The template has no DynamoDB table ${logicalId}` +
        (found.length > 0 ? ` (its tables: ${found.join(', ')}).` : ' (it has no tables).'),
    );
  }
  const parsed = TableProperties.safeParse(resource.Properties);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'Properties'}: ${issue.message}`,
    );
    throw new Error(`The table ${logicalId} cannot be created locally: ${issues.join('; ')}.`);
  }
  const properties = parsed.data;
  const literalName = typeof properties.TableName === 'string' ? properties.TableName : undefined;
  return {
    TableName: tableName ?? literalName ?? logicalId,
    KeySchema: properties.KeySchema,
    AttributeDefinitions: properties.AttributeDefinitions,
    BillingMode: 'PAY_PER_REQUEST',
    ...(properties.GlobalSecondaryIndexes?.length
      ? { GlobalSecondaryIndexes: properties.GlobalSecondaryIndexes }
      : {}),
    ...(properties.LocalSecondaryIndexes?.length
      ? { LocalSecondaryIndexes: properties.LocalSecondaryIndexes }
      : {}),
    ...(properties.StreamSpecification
      ? {
          StreamSpecification: {
            StreamEnabled: true,
            StreamViewType: properties.StreamSpecification.StreamViewType,
          },
        }
      : {}),
  };
}
