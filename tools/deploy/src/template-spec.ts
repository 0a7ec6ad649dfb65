import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { PropertyType, ResourceProperties, SpecDatabase } from '@aws-cdk/service-spec-types';

/** One place where a template breaks the CloudFormation resource specification. */
export interface SpecProblem {
  /** Where, as `Resources.<logicalId>.Properties.<name>...`. */
  readonly path: string;
  readonly message: string;
}

interface TemplateResource {
  readonly Type?: unknown;
  readonly Properties?: unknown;
}

let database: SpecDatabase | undefined;

/** The resource specification aws-cdk-lib's own L1 classes are generated from, loaded once. */
export function specDatabase(): SpecDatabase {
  database ??= loadAwsServiceSpecSync();
  return database;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A value CloudFormation computes at deploy time (`Ref`, `Fn::*`, or a `{{resolve:...}}` dynamic
 * reference): its type is known only then, so the check takes it for whatever the property wants.
 */
function isDeployTimeValue(value: unknown): boolean {
  if (typeof value === 'string') return value.startsWith('{{resolve:');
  if (!isRecord(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'));
}

/**
 * Checks a synthesized CloudFormation template against the resource specification: every resource
 * type exists, every property (at any depth) is one the type declares, every value has the declared
 * type, and no required property is missing. Custom resources (`Custom::*`,
 * `AWS::CloudFormation::CustomResource`) take any properties and are only checked for `ServiceToken`.
 *
 * @example
 * ```ts
 * const problems = checkTemplate(JSON.parse(readFileSync('SliceMenu-dev.template.json', 'utf8')));
 * // [{ path: 'Resources.Api.Properties.Nmae', message: 'AWS::ApiGateway::RestApi has no property Nmae' }]
 * ```
 */
export function checkTemplate(template: unknown, db: SpecDatabase = specDatabase()): SpecProblem[] {
  const resources = isRecord(template) && isRecord(template.Resources) ? template.Resources : {};
  return Object.entries(resources).flatMap(([logicalId, resource]) =>
    checkResource(`Resources.${logicalId}`, resource as TemplateResource, db),
  );
}

function checkResource(path: string, resource: TemplateResource, db: SpecDatabase): SpecProblem[] {
  const type = resource.Type;
  if (typeof type !== 'string') return [{ path, message: 'has no Type' }];
  const properties = resource.Properties ?? {};
  if (!isRecord(properties)) return [{ path: `${path}.Properties`, message: 'must be an object' }];
  if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') {
    return 'ServiceToken' in properties ? [] : [{ path, message: `${type} needs a ServiceToken` }];
  }
  const [spec] = db.lookup('resource', 'cloudFormationType', 'equals', type);
  if (!spec) return [{ path, message: `unknown resource type ${type}` }];
  return checkProperties(`${path}.Properties`, properties, spec.properties, type, db);
}

function checkProperties(
  path: string,
  values: Record<string, unknown>,
  declared: ResourceProperties,
  owner: string,
  db: SpecDatabase,
): SpecProblem[] {
  const missing = Object.entries(declared)
    .filter(([name, property]) => property.required && !(name in values))
    .map(([name]) => ({ path, message: `${owner} requires ${name}` }));
  const wrong = Object.entries(values).flatMap(([name, value]) => {
    const property = declared[name];
    if (!property) return [{ path: `${path}.${name}`, message: `${owner} has no property ${name}` }];
    const types = [property.type, ...(property.previousTypes ?? [])];
    return checkValueAgainstAny(`${path}.${name}`, value, types, db);
  });
  return [...missing, ...wrong];
}

/** A value passes when it fits any of the property's current or earlier types. */
function checkValueAgainstAny(
  path: string,
  value: unknown,
  types: PropertyType[],
  db: SpecDatabase,
): SpecProblem[] {
  let best: SpecProblem[] | undefined;
  for (const type of types) {
    const problems = checkValue(path, value, type, db);
    if (problems.length === 0) return [];
    if (!best || problems.length < best.length) best = problems;
  }
  return best ?? [];
}

function checkValue(path: string, value: unknown, type: PropertyType, db: SpecDatabase): SpecProblem[] {
  if (isDeployTimeValue(value)) return [];
  const mismatch = (expected: string) => [{ path, message: `expected ${expected}, got ${describe(value)}` }];
  switch (type.type) {
    case 'json':
      return [];
    case 'string':
    case 'date-time':
      // CloudFormation reads a number as its decimal string; a boolean or an object is a mistake.
      return typeof value === 'string' || typeof value === 'number' ? [] : mismatch('a string');
    case 'number':
    case 'integer':
      return typeof value === 'number' ||
        (typeof value === 'string' && value.trim() !== '' && !isNaN(Number(value)))
        ? []
        : mismatch(type.type === 'integer' ? 'an integer' : 'a number');
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false' ? [] : mismatch('a boolean');
    case 'null':
      return value === null ? [] : mismatch('null');
    case 'tag':
      return isRecord(value) ? checkTag(path, value) : mismatch('a tag ({ Key, Value })');
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((element, index) =>
            checkValueAgainstAny(`${path}[${index}]`, element, [type.element], db),
          )
        : mismatch('a list');
    case 'map':
      return isRecord(value)
        ? Object.entries(value).flatMap(([key, element]) =>
            checkValueAgainstAny(`${path}.${key}`, element, [type.element], db),
          )
        : mismatch('a map');
    case 'union':
      return checkValueAgainstAny(path, value, type.types, db);
    case 'ref': {
      const definition = db.get('typeDefinition', type.reference);
      return isRecord(value)
        ? checkProperties(path, value, definition.properties, definition.name, db)
        : mismatch(`a ${definition.name} object`);
    }
  }
}

function checkTag(path: string, tag: Record<string, unknown>): SpecProblem[] {
  const problems: SpecProblem[] = [];
  for (const key of ['Key', 'Value']) {
    if (!(key in tag)) problems.push({ path, message: `a tag requires ${key}` });
  }
  for (const key of Object.keys(tag)) {
    if (key !== 'Key' && key !== 'Value')
      problems.push({ path: `${path}.${key}`, message: `a tag has no ${key}` });
  }
  return problems;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (isRecord(value)) return `an object with ${Object.keys(value).join(', ') || 'no keys'}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}
