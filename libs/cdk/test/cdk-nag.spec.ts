import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildPizzasService, type PizzasService } from './support';

interface Acknowledgment {
  readonly id: string;
  readonly reason: string;
}

type Resources = Record<
  string,
  {
    Type: string;
    Properties?: Record<string, unknown>;
    Metadata?: { cdk_nag?: { rules_to_suppress: Acknowledgment[] } };
  }
>;

describe('a service stack made of every construct, under cdk-nag AwsSolutions', () => {
  let service: PizzasService;
  let resources: Resources;

  beforeAll(() => {
    service = buildPizzasService('prod');
    resources = Template.fromStack(service.stack).toJSON().Resources as Resources;
  }, 60_000);

  const acknowledgedOn = (
    predicate: (type: string, properties: Record<string, unknown>) => boolean,
  ): string[][] =>
    Object.values(resources)
      .filter((resource) => predicate(resource.Type, resource.Properties ?? {}))
      .map((resource) => (resource.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((rule) => rule.id).sort());

  it('has no finding left unacknowledged', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(service.stack);

    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
    const annotations = Annotations.fromStack(service.stack);
    expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
  });

  it('writes a non-empty reason for every acknowledgment into the template', () => {
    const acknowledgments = Object.values(resources).flatMap(
      (resource) => resource.Metadata?.cdk_nag?.rules_to_suppress ?? [],
    );

    expect(acknowledgments.length).toBeGreaterThan(0);
    for (const { id, reason } of acknowledgments) {
      expect(id).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(reason.trim().length).toBeGreaterThan(20);
    }
  });

  it('acknowledges missing authorization on the public route only', () => {
    const publicMethods = acknowledgedOn(
      (type, properties) =>
        type === 'AWS::ApiGateway::Method' &&
        properties.AuthorizationType === 'NONE' &&
        properties.HttpMethod !== 'OPTIONS',
    );
    const signedInMethods = acknowledgedOn(
      (type, properties) =>
        type === 'AWS::ApiGateway::Method' && properties.AuthorizationType === 'COGNITO_USER_POOLS',
    );

    expect(publicMethods).toEqual([['AwsSolutions-APIG4', 'AwsSolutions-COG4']]);
    expect(signedInMethods).toEqual([[], []]);
  });

  it('acknowledges body validation on the REST API itself, not on its children', () => {
    expect(acknowledgedOn((type) => type === 'AWS::ApiGateway::RestApi')).toEqual([['AwsSolutions-APIG2']]);
    expect(acknowledgedOn((type) => type === 'AWS::ApiGateway::Stage')).toEqual([[]]);
  });

  it('keeps function acknowledgments on their roles, not on functions or log groups', () => {
    expect(acknowledgedOn((type) => type === 'AWS::Lambda::Function').flat()).toEqual([]);
    expect(acknowledgedOn((type) => type === 'AWS::Logs::LogGroup').flat()).toEqual([]);
    for (const ids of acknowledgedOn((type) => type === 'AWS::IAM::Role')) {
      expect(ids).toEqual(expect.arrayContaining(['AwsSolutions-IAM5[Resource::*]']));
    }
  });

  it('acknowledges the index wildcard only on the roles granted the indexed table', () => {
    const indexWildcards = acknowledgedOn((type) => type === 'AWS::IAM::Policy').map((ids) =>
      ids.filter((id) => id.includes('/index/*')),
    );

    expect(indexWildcards.filter((ids) => ids.length > 0)).toHaveLength(3);
  });
});
