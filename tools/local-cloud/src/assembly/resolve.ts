/**
 * Resolves the intrinsic functions of synthesized CloudFormation templates against the other
 * loaded stacks, the way CloudFormation would at deploy time, with deterministic local physical
 * names. Resolution is lazy: only what the local cloud reads is resolved, so a stack may hold
 * values the local cloud cannot know (a WAF ACL ARN) as long as nothing it runs needs them.
 */
import { generatedName, arns, type Arns } from './names';
import { type ResourceView, resourceTypes, secretName, stableUuid } from './resource-types';
import { generateSecretString, type GenerateSecretStringOptions } from './secrets';
import type { Template, TemplateResource } from '../model';
import { isRecord } from '../json';

/** One thing that could not be resolved: where, and why. */
export interface ResolutionProblem {
  readonly stackName: string;
  /** `<logicalId>.Properties.<property path>`, or `Outputs.<id>.Value`. */
  readonly path: string;
  readonly reason: string;
}

/**
 * A template value the local cloud cannot resolve. The message names the stack, the resource and
 * the property path, one line per problem:
 * `SliceOrders-dev: PlaceOrder.Properties.Environment.Variables.PLATFORM_URL: no value for SSM parameter /slice/dev/platform/api-url`.
 *
 * @example
 * ```ts
 * try {
 *   loadAssemblies(dirs, options);
 * } catch (error) {
 *   if (error instanceof UnresolvableError) console.error(error.message); // what to fix, where
 * }
 * ```
 */
export class UnresolvableError extends Error {
  readonly problems: readonly ResolutionProblem[];

  constructor(problems: ResolutionProblem | readonly ResolutionProblem[]) {
    const list: readonly ResolutionProblem[] = 'reason' in problems ? [problems] : problems;
    super(list.map((problem) => `${problem.stackName}: ${problem.path}: ${problem.reason}`).join('\n'));
    this.name = 'UnresolvableError';
    this.problems = list;
  }
}

/** A stack as the resolver needs it. */
export interface ResolverStack {
  readonly name: string;
  readonly region: string;
  readonly template: Template;
}

/** What {@link Resolver} resolves against besides the stacks. */
export interface ResolverOptions {
  /** The account id of every ARN (`000000000000`). */
  readonly accountId: string;
  /**
   * SSM parameter values the local cloud provides (the platform's, such as
   * `/slice/dev/platform/api-url`). They win over a parameter a template defines with the same name.
   */
  readonly ssm: ReadonlyMap<string, string>;
}

/** `AWS::NoValue`: the property is left out. */
const noValue: unique symbol = Symbol('AWS::NoValue');

// Generated secrets live as long as the process: a redeploy of a stack keeps its secrets.
const generatedSecrets = new Map<string, string>();

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Resolves template values of a set of stacks: `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`,
 * `Fn::Select`, `Fn::Split`, `Fn::If` with `Conditions`, `Fn::ImportValue` across the stacks'
 * exports, `Fn::FindInMap`, `Fn::GetAZs`, `Fn::Base64`, `Fn::ToJsonString`, `Fn::Length`, the
 * pseudo parameters, SSM-typed template parameters, and the dynamic references
 * `{{resolve:ssm:…}}` and `{{resolve:secretsmanager:…}}` inside strings. Physical names are
 * deterministic (`<stackName>-<logicalId>`; tables lower-cased). Results are memoized; circular
 * references are reported, not looped on.
 *
 * @example
 * ```ts
 * const resolver = new Resolver([{ name: 'Orders', region: 'eu-west-1', template }], {
 *   accountId: '000000000000',
 *   ssm: new Map([['/slice/dev/platform/api-url', 'http://localhost:3000']]),
 * });
 * resolver.property('Orders', 'PlaceOrderC1FF4CFE', 'Environment');
 * // { Variables: { TABLE_NAME: 'orders-table710b521b', PLATFORM_URL: 'http://localhost:3000', … } }
 * ```
 */
export class Resolver {
  readonly accountId: string;
  private readonly stacks = new Map<string, ResolverStack>();
  private readonly ssm: ReadonlyMap<string, string>;
  private readonly memo = new Map<string, unknown>();
  private readonly inProgress = new Set<string>();
  private ssmIndex?: Map<string, { stackName: string; logicalId: string }>;
  private exportIndex?: Map<string, { stackName: string; outputId: string }>;
  private secretIndex?: { stackName: string; logicalId: string; arn: string; name: string }[];

  constructor(stacks: readonly ResolverStack[], options: ResolverOptions) {
    for (const stack of stacks) this.stacks.set(stack.name, stack);
    this.accountId = options.accountId;
    this.ssm = options.ssm;
  }

  /** The ARN builders of a stack's account and region. */
  arns(stackName: string): Arns {
    return arns(this.accountId, this.stack(stackName).region);
  }

  /** The region of a stack. */
  region(stackName: string): string {
    return this.stack(stackName).region;
  }

  /** The resource of a stack; throws when there is none. */
  resource(stackName: string, logicalId: string): TemplateResource {
    const resource = this.stack(stackName).template.Resources?.[logicalId];
    if (!resource) throw new UnresolvableError({ stackName, path: logicalId, reason: 'no such resource' });
    return resource;
  }

  /** The logical ids and resources of a stack whose `Condition` holds, optionally of one type. */
  resources(stackName: string, type?: string): [string, TemplateResource][] {
    return Object.entries(this.stack(stackName).template.Resources ?? {}).filter(
      ([logicalId, resource]) =>
        (type === undefined || resource.Type === type) && this.isActive(stackName, logicalId),
    );
  }

  /** Whether a resource's `Condition` holds (true without one). */
  isActive(stackName: string, logicalId: string): boolean {
    const condition = this.resource(stackName, logicalId).Condition;
    return condition === undefined || this.condition(stackName, condition, `${logicalId}.Condition`);
  }

  /**
   * Resolves any template value of a stack, dynamic references included. `path` names where the
   * value is, for error messages (`PlaceOrder.Properties.Environment`). `AWS::NoValue` yields
   * `undefined`.
   */
  resolve(stackName: string, value: unknown, path: string): unknown {
    const resolved = this.evaluate(stackName, value, path);
    return resolved === noValue ? undefined : this.dynamicReferences(stackName, resolved, path);
  }

  /** A resolved property of a resource (memoized), or `undefined` when it is absent. */
  property(stackName: string, logicalId: string, name: string): unknown {
    const raw = this.resource(stackName, logicalId).Properties?.[name];
    if (raw === undefined) return undefined;
    return this.memoized(
      `${stackName}\0${logicalId}\0P.${name}`,
      stackName,
      `${logicalId}.Properties.${name}`,
      () => this.resolve(stackName, raw, `${logicalId}.Properties.${name}`),
    );
  }

  /** A resolved property that must be a string when present. */
  stringProperty(stackName: string, logicalId: string, name: string): string | undefined {
    const value = this.property(stackName, logicalId, name);
    if (value === undefined || value === null) return undefined;
    return this.text(value, stackName, `${logicalId}.Properties.${name}`);
  }

  /** A resolved property that must be a number when present (numeric strings allowed, as in templates). */
  numberProperty(stackName: string, logicalId: string, name: string): number | undefined {
    const value = this.property(stackName, logicalId, name);
    if (value === undefined || value === null) return undefined;
    const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
    if (!Number.isFinite(number)) {
      throw new UnresolvableError({
        stackName,
        path: `${logicalId}.Properties.${name}`,
        reason: `expected a number, got ${describe(value)}`,
      });
    }
    return number;
  }

  /** What `Ref` gives for a resource: its physical id. */
  physicalId(stackName: string, logicalId: string): string {
    return this.memoized(`${stackName}\0${logicalId}\0Ref`, stackName, logicalId, () =>
      this.computePhysicalId(stackName, logicalId),
    ) as string;
  }

  /** What `Fn::GetAtt` gives for a resource attribute (see `resource-types.ts`). */
  attribute(stackName: string, logicalId: string, attribute: string, path: string): unknown {
    const resource = this.resource(stackName, logicalId);
    const getter = resourceTypes.get(resource.Type)?.attributes?.[attribute];
    if (!getter) {
      throw new UnresolvableError({
        stackName,
        path,
        reason: `Fn::GetAtt ${logicalId}.${attribute} (${resource.Type}) is not known to the local cloud`,
      });
    }
    return getter(this.view(stackName, logicalId, path));
  }

  /** One resource as the resource types read it. */
  private view(stackName: string, logicalId: string, path: string): ResourceView {
    return {
      stackName,
      logicalId,
      path,
      arns: this.arns(stackName),
      region: this.region(stackName),
      accountId: this.accountId,
      id: () => this.physicalId(stackName, logicalId),
      property: (name) => this.property(stackName, logicalId, name),
      stringProperty: (name) => this.stringProperty(stackName, logicalId, name),
      fail: (reason) => {
        throw new UnresolvableError({ stackName, path, reason });
      },
    };
  }

  /** The value of an SSM parameter: a given one, else one a loaded stack defines. */
  ssmValue(name: string, stackName: string, path: string): string {
    const given = this.ssm.get(name);
    if (given !== undefined) return given;
    const defined = this.ssmParameterIndex().get(name);
    if (!defined)
      throw new UnresolvableError({ stackName, path, reason: `no value for SSM parameter ${name}` });
    const value = this.property(defined.stackName, defined.logicalId, 'Value');
    return this.text(value, defined.stackName, `${defined.logicalId}.Properties.Value`);
  }

  /** Every `AWS::SSM::Parameter` of the stacks: name → value. */
  definedParameters(): Map<string, string> {
    const parameters = new Map<string, string>();
    for (const [name, { stackName, logicalId }] of this.ssmParameterIndex()) {
      parameters.set(
        name,
        this.text(this.property(stackName, logicalId, 'Value'), stackName, `${logicalId}.Properties.Value`),
      );
    }
    return parameters;
  }

  /** Every `AWS::SecretsManager::Secret` of the stacks: ARN → secret string. */
  secretValues(): Map<string, string> {
    return new Map(
      this.secrets().map((secret) => [secret.arn, this.secretString(secret.stackName, secret.logicalId)]),
    );
  }

  private stack(stackName: string): ResolverStack {
    const stack = this.stacks.get(stackName);
    if (!stack) throw new Error(`The stack ${stackName} is not loaded.`);
    return stack;
  }

  private memoized(key: string, stackName: string, path: string, compute: () => unknown): unknown {
    if (this.memo.has(key)) return this.memo.get(key);
    if (this.inProgress.has(key)) {
      throw new UnresolvableError({ stackName, path, reason: 'circular reference' });
    }
    this.inProgress.add(key);
    try {
      const value = compute();
      this.memo.set(key, value);
      return value;
    } finally {
      this.inProgress.delete(key);
    }
  }

  private text(value: unknown, stackName: string, path: string): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new UnresolvableError({ stackName, path, reason: `expected a string, got ${describe(value)}` });
  }

  private evaluate(stackName: string, value: unknown, path: string): unknown {
    if (Array.isArray(value)) {
      return value
        .map((item, index) => this.evaluate(stackName, item, `${path}[${index}]`))
        .filter((item) => item !== noValue);
    }
    if (!isRecord(value)) return value;
    const keys = Object.keys(value);
    const [key] = keys;
    if (keys.length === 1 && key !== undefined && (key === 'Ref' || key.startsWith('Fn::'))) {
      return this.intrinsic(stackName, key, value[key], path);
    }
    const result: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) {
      const resolved = this.evaluate(stackName, item, `${path}.${name}`);
      if (resolved !== noValue) result[name] = resolved;
    }
    return result;
  }

  private intrinsic(stackName: string, name: string, argument: unknown, path: string): unknown {
    const fail = (reason: string): never => {
      throw new UnresolvableError({ stackName, path, reason });
    };
    const list = (value: unknown, what: string): unknown[] => {
      const resolved = this.evaluate(stackName, value, path);
      return Array.isArray(resolved)
        ? resolved
        : fail(`${name}: ${what} must be a list, got ${describe(resolved)}`);
    };
    const text = (value: unknown) => this.text(this.evaluate(stackName, value, path), stackName, path);

    switch (name) {
      case 'Ref':
        return typeof argument === 'string' ? this.ref(stackName, argument, path) : fail('Ref takes a name');
      case 'Fn::GetAtt':
        return this.getAttOf(stackName, argument, path);
      case 'Fn::Join': {
        if (!Array.isArray(argument) || argument.length !== 2)
          return fail('Fn::Join takes [delimiter, list]');
        const delimiter = text(argument[0]);
        return list(argument[1], 'the values')
          .map((item) => this.text(item, stackName, path))
          .join(delimiter);
      }
      case 'Fn::Sub':
        return this.sub(stackName, argument, path);
      case 'Fn::Select': {
        if (!Array.isArray(argument) || argument.length !== 2) return fail('Fn::Select takes [index, list]');
        const index = Number(text(argument[0]));
        const values = list(argument[1], 'the values');
        if (!Number.isInteger(index) || index < 0 || index >= values.length) {
          return fail(`Fn::Select index ${index} is out of range for ${values.length} values`);
        }
        return values[index];
      }
      case 'Fn::Split': {
        if (!Array.isArray(argument) || argument.length !== 2)
          return fail('Fn::Split takes [delimiter, string]');
        return text(argument[1]).split(text(argument[0]));
      }
      case 'Fn::If': {
        if (!Array.isArray(argument) || argument.length !== 3 || typeof argument[0] !== 'string') {
          return fail('Fn::If takes [condition, then, else]');
        }
        const holds = this.condition(stackName, argument[0], path);
        return this.evaluate(stackName, holds ? argument[1] : argument[2], path);
      }
      case 'Fn::ImportValue':
        return this.importValue(stackName, text(argument), path);
      case 'Fn::FindInMap':
        return this.findInMap(stackName, argument, path);
      case 'Fn::GetAZs': {
        const region = text(argument) || this.region(stackName);
        return ['a', 'b', 'c'].map((zone) => `${region}${zone}`);
      }
      case 'Fn::Base64':
        return Buffer.from(text(argument)).toString('base64');
      case 'Fn::ToJsonString':
        return JSON.stringify(this.evaluate(stackName, argument, path));
      case 'Fn::Length':
        return list(argument, 'the argument').length;
      default:
        return fail(`${name} is not supported by the local cloud`);
    }
  }

  /** `Fn::GetAtt`, as `"Id.Attribute"` or `[id, attribute]`. */
  private getAttOf(stackName: string, argument: unknown, path: string): unknown {
    const parts: readonly unknown[] =
      typeof argument === 'string'
        ? [argument.slice(0, argument.indexOf('.')), argument.slice(argument.indexOf('.') + 1)]
        : Array.isArray(argument)
          ? (argument as unknown[])
          : [];
    const [logicalId, attribute] = parts;
    if (typeof logicalId !== 'string' || attribute === undefined)
      throw new UnresolvableError({ stackName, path, reason: 'Fn::GetAtt takes [logicalId, attribute]' });
    const name = this.text(this.evaluate(stackName, attribute, path), stackName, path);
    return this.getAtt(stackName, logicalId, name, path);
  }

  /** `Fn::FindInMap`, with the `DefaultValue` of its fourth argument. */
  private findInMap(stackName: string, argument: unknown, path: string): unknown {
    const fail = (reason: string): never => {
      throw new UnresolvableError({ stackName, path, reason });
    };
    if (!Array.isArray(argument) || argument.length < 3) return fail('Fn::FindInMap takes [map, key, key]');
    const text = (value: unknown) => this.text(this.evaluate(stackName, value, path), stackName, path);
    const [map, top, second] = [text(argument[0]), text(argument[1]), text(argument[2])];
    const found = this.stack(stackName).template.Mappings?.[map]?.[top]?.[second];
    if (found !== undefined) return this.evaluate(stackName, found, path);
    const fallback = isRecord(argument[3]) ? argument[3]['DefaultValue'] : undefined;
    return fallback !== undefined
      ? this.evaluate(stackName, fallback, path)
      : fail(`no mapping ${map}.${top}.${second}`);
  }

  private ref(stackName: string, name: string, path: string): unknown {
    const stack = this.stack(stackName);
    switch (name) {
      case 'AWS::Region':
        return stack.region;
      case 'AWS::AccountId':
        return this.accountId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stackName;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${stack.region}:${this.accountId}:stack/${stackName}/${stableUuid(stackName)}`;
      case 'AWS::NoValue':
        return noValue;
      case 'AWS::NotificationARNs':
        return [];
    }
    const parameter = stack.template.Parameters?.[name];
    if (parameter) return this.parameterValue(stackName, name, path);
    if (stack.template.Resources?.[name]) {
      if (!this.isActive(stackName, name)) {
        throw new UnresolvableError({ stackName, path, reason: `Ref to ${name}, whose condition is false` });
      }
      return this.physicalId(stackName, name);
    }
    throw new UnresolvableError({
      stackName,
      path,
      reason: `Ref to ${name}, which is neither a parameter nor a resource of the stack`,
    });
  }

  private getAtt(stackName: string, logicalId: string, attribute: string, path: string): unknown {
    if (!this.stack(stackName).template.Resources?.[logicalId]) {
      throw new UnresolvableError({
        stackName,
        path,
        reason: `Fn::GetAtt of ${logicalId}, which is not a resource of the stack`,
      });
    }
    return this.attribute(stackName, logicalId, attribute, path);
  }

  private parameterValue(stackName: string, name: string, path: string): unknown {
    const parameter = this.stack(stackName).template.Parameters?.[name];
    const type = parameter?.Type ?? 'String';
    const fallback = parameter?.Default;
    const ssm = /^AWS::SSM::Parameter::Value<(.+)>$/.exec(type);
    if (ssm) {
      if (typeof fallback !== 'string') {
        throw new UnresolvableError({
          stackName,
          path,
          reason: `the parameter ${name} names no SSM parameter (it has no default)`,
        });
      }
      const value = this.ssmValue(fallback, stackName, path);
      return ssm[1]?.startsWith('List<') || ssm[1] === 'CommaDelimitedList' ? value.split(',') : value;
    }
    if (fallback === undefined) {
      throw new UnresolvableError({
        stackName,
        path,
        reason: `the parameter ${name} has no default, and the local cloud passes no parameter values`,
      });
    }
    if (type === 'CommaDelimitedList' || type.startsWith('List<')) {
      return typeof fallback === 'string' ? fallback.split(',') : [fallback].flat();
    }
    return fallback;
  }

  private condition(stackName: string, name: string, path: string): boolean {
    const expression = this.stack(stackName).template.Conditions?.[name];
    if (expression === undefined) {
      throw new UnresolvableError({ stackName, path, reason: `no condition named ${name}` });
    }
    return this.memoized(`${stackName}\0Condition\0${name}`, stackName, `Conditions.${name}`, () =>
      this.conditionValue(stackName, expression, `Conditions.${name}`),
    ) as boolean;
  }

  private conditionValue(stackName: string, expression: unknown, path: string): boolean {
    if (typeof expression === 'boolean') return expression;
    if (expression === 'true' || expression === 'false') return expression === 'true';
    const fail = (): never => {
      throw new UnresolvableError({
        stackName,
        path,
        reason: `cannot evaluate the condition ${JSON.stringify(expression)}`,
      });
    };
    if (!isRecord(expression)) return fail();
    const [[key, argument] = ['', undefined]] = Object.entries(expression);
    const operands = Array.isArray(argument) ? argument : [];
    switch (key) {
      case 'Condition':
        return typeof argument === 'string' ? this.condition(stackName, argument, path) : fail();
      case 'Fn::Equals': {
        const [left, right] = operands.map((operand) => this.resolve(stackName, operand, path));
        return JSON.stringify(left) === JSON.stringify(right);
      }
      case 'Fn::And':
        return operands.every((operand) => this.conditionValue(stackName, operand, path));
      case 'Fn::Or':
        return operands.some((operand) => this.conditionValue(stackName, operand, path));
      case 'Fn::Not':
        return !this.conditionValue(stackName, operands[0], path);
      default:
        return fail();
    }
  }

  private sub(stackName: string, argument: unknown, path: string): string {
    const [template, variables] =
      typeof argument === 'string'
        ? [argument, {}]
        : Array.isArray(argument) &&
            typeof argument[0] === 'string' &&
            (argument[1] === undefined || isRecord(argument[1]))
          ? [argument[0], (argument[1] ?? {}) as Record<string, unknown>]
          : [undefined, {}];
    if (template === undefined) {
      throw new UnresolvableError({
        stackName,
        path,
        reason: 'Fn::Sub takes a string or [string, variables]',
      });
    }
    return template.replace(/\$\{([^}]*)\}/g, (_whole, inner: string) => {
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
      const name = inner.trim();
      const value =
        name in variables
          ? this.evaluate(stackName, variables[name], path)
          : name.includes('.') && !name.startsWith('AWS::')
            ? this.getAtt(
                stackName,
                name.slice(0, name.indexOf('.')),
                name.slice(name.indexOf('.') + 1),
                path,
              )
            : this.ref(stackName, name, path);
      return this.text(value, stackName, path);
    });
  }

  private importValue(stackName: string, name: string, path: string): unknown {
    if (!this.exportIndex) {
      const index = new Map<string, { stackName: string; outputId: string }>();
      for (const stack of this.stacks.values()) {
        for (const [outputId, output] of Object.entries(stack.template.Outputs ?? {})) {
          if (output.Export === undefined) continue;
          const exportName = this.text(
            this.resolve(stack.name, output.Export.Name, `Outputs.${outputId}.Export.Name`),
            stack.name,
            `Outputs.${outputId}.Export.Name`,
          );
          index.set(exportName, { stackName: stack.name, outputId });
        }
      }
      this.exportIndex = index;
    }
    const found = this.exportIndex.get(name);
    if (!found) {
      throw new UnresolvableError({
        stackName,
        path,
        reason: `Fn::ImportValue ${name}: no loaded stack exports it`,
      });
    }
    const output = this.stack(found.stackName).template.Outputs?.[found.outputId];
    const outputPath = `Outputs.${found.outputId}.Value`;
    return this.memoized(`${found.stackName}\0${outputPath}`, found.stackName, outputPath, () =>
      this.resolve(found.stackName, output?.Value, outputPath),
    );
  }

  private dynamicReferences(stackName: string, value: unknown, path: string): unknown {
    if (typeof value === 'string') {
      if (!value.includes('{{resolve:')) return value;
      return value.replace(
        /\{\{resolve:([a-z-]+):([^}]+)\}\}/g,
        (_whole, service: string, reference: string) =>
          this.dynamicReference(stackName, service, reference, path),
      );
    }
    if (Array.isArray(value)) return value.map((item) => this.dynamicReferences(stackName, item, path));
    if (isRecord(value)) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [
          key,
          this.dynamicReferences(stackName, item, `${path}.${key}`),
        ]),
      );
    }
    return value;
  }

  private dynamicReference(stackName: string, service: string, reference: string, path: string): string {
    if (service === 'ssm' || service === 'ssm-secure') {
      const [name = ''] = reference.split(':');
      return this.ssmValue(name, stackName, path);
    }
    if (service === 'secretsmanager') {
      const parts = reference.split(':');
      const idLength = parts[0] === 'arn' ? 7 : 1;
      const secretId = parts.slice(0, idLength).join(':');
      const [field = 'SecretString', jsonKey = ''] = parts.slice(idLength);
      if (field !== 'SecretString') {
        throw new UnresolvableError({
          stackName,
          path,
          reason: `{{resolve:secretsmanager}} supports SecretString only, not ${field}`,
        });
      }
      const secret = this.findSecret(secretId);
      if (!secret) {
        throw new UnresolvableError({
          stackName,
          path,
          reason: `no loaded stack defines the secret ${secretId}`,
        });
      }
      const value = this.secretString(secret.stackName, secret.logicalId);
      if (jsonKey === '') return value;
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        parsed = undefined;
      }
      const member = isRecord(parsed) ? parsed[jsonKey] : undefined;
      if (typeof member !== 'string' && typeof member !== 'number') {
        throw new UnresolvableError({
          stackName,
          path,
          reason: `the secret ${secretId} has no JSON key ${jsonKey}`,
        });
      }
      return String(member);
    }
    throw new UnresolvableError({
      stackName,
      path,
      reason: `{{resolve:${service}:…}} is not supported by the local cloud`,
    });
  }

  private secrets(): { stackName: string; logicalId: string; arn: string; name: string }[] {
    this.secretIndex ??= [...this.stacks.values()].flatMap((stack) =>
      this.resources(stack.name, 'AWS::SecretsManager::Secret').map(([logicalId]) => {
        const arn = this.physicalId(stack.name, logicalId);
        return {
          stackName: stack.name,
          logicalId,
          arn,
          name: secretName({
            stackName: stack.name,
            logicalId,
            stringProperty: (property) => this.stringProperty(stack.name, logicalId, property),
          }),
        };
      }),
    );
    return this.secretIndex;
  }

  private findSecret(secretId: string) {
    return this.secrets().find(
      (secret) =>
        secret.arn === secretId ||
        secret.name === secretId ||
        (secretId.startsWith('arn:') && secret.arn.startsWith(`${secretId}-`)),
    );
  }

  private secretString(stackName: string, logicalId: string): string {
    const literal = this.stringProperty(stackName, logicalId, 'SecretString');
    if (literal !== undefined) return literal;
    const generate = this.property(stackName, logicalId, 'GenerateSecretString');
    const options = isRecord(generate) ? (generate as GenerateSecretStringOptions) : {};
    const key = `${this.physicalId(stackName, logicalId)}\0${JSON.stringify(options)}`;
    let value = generatedSecrets.get(key);
    if (value === undefined) {
      value = generateSecretString(options);
      generatedSecrets.set(key, value);
    }
    return value;
  }

  private ssmParameterIndex(): Map<string, { stackName: string; logicalId: string }> {
    if (this.ssmIndex) return this.ssmIndex;
    const building = '\0ssm-index';
    if (this.inProgress.has(building)) {
      throw new UnresolvableError({
        stackName: '(all stacks)',
        path: 'AWS::SSM::Parameter',
        reason: 'the name of an SSM parameter depends on an SSM parameter value (circular)',
      });
    }
    this.inProgress.add(building);
    try {
      const index = new Map<string, { stackName: string; logicalId: string }>();
      for (const stack of this.stacks.values()) {
        for (const [logicalId] of this.resources(stack.name, 'AWS::SSM::Parameter')) {
          const name = this.physicalId(stack.name, logicalId);
          const other = index.get(name);
          if (other) {
            throw new UnresolvableError({
              stackName: stack.name,
              path: `${logicalId}.Properties.Name`,
              reason: `the SSM parameter ${name} is also defined by ${other.stackName}/${other.logicalId}`,
            });
          }
          index.set(name, { stackName: stack.name, logicalId });
        }
      }
      this.ssmIndex = index;
      return index;
    } finally {
      this.inProgress.delete(building);
    }
  }

  private computePhysicalId(stackName: string, logicalId: string): string {
    const type = resourceTypes.get(this.resource(stackName, logicalId).Type);
    return type?.physicalId
      ? type.physicalId(this.view(stackName, logicalId, logicalId))
      : generatedName(stackName, logicalId);
  }
}
