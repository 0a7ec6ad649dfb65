/** A synthesized CloudFormation template, as `Template.toJSON()` or a `*.template.json` gives it. */
export interface TemplateJson {
  readonly Resources?: Readonly<
    Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>
  >;
}

interface Statement {
  readonly Action: string | readonly string[];
  readonly Resource?: unknown;
}

/** Options of {@link roleActions}. */
export interface RoleActionsOptions {
  /** Only statements whose `Resource`, as JSON, passes this test (a table's logical id, say). */
  readonly resource?: (resourceJson: string) => boolean;
}

/**
 * Every action the policies attached to a function's role allow, for least-privilege assertions
 * on a synthesized stack. The function is found by the prefix of its logical id (its role is
 * `<prefix>…ServiceRole…`, as the CDK names it).
 *
 * @throws Error when no role of that function is in the template
 * @example
 * ```ts
 * expect(roleActions(template.toJSON(), 'CancelOrder')).not.toContain('dynamodb:DeleteItem');
 * ```
 */
export function roleActions(
  template: TemplateJson,
  functionLogicalPrefix: string,
  options: RoleActionsOptions = {},
): string[] {
  const resources = Object.entries(template.Resources ?? {});
  const role = resources.find(
    ([id, resource]) =>
      resource.Type === 'AWS::IAM::Role' && id.startsWith(`${functionLogicalPrefix}ServiceRole`),
  )?.[0];
  if (!role) throw new Error(`No role of a function ${functionLogicalPrefix}… in the template.`);
  return resources
    .filter(
      ([, resource]) =>
        resource.Type === 'AWS::IAM::Policy' && JSON.stringify(resource.Properties?.Roles).includes(role),
    )
    .flatMap(([, policy]) => (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement)
    .filter((statement) => !options.resource || options.resource(JSON.stringify(statement.Resource)))
    .flatMap((statement) => statement.Action);
}
