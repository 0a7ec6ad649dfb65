import { isIP } from 'node:net';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { ForbiddenError } from '@slice/contract';
import { Construct } from 'constructs';

/**
 * The front door's routing header (`infra/front-door/src/routing.ts`): `x-slice-route: monolith`
 * reaches the monolith even for a route that moved to a service.
 */
export const routingHeader = 'x-slice-route';

/** Props of {@link RoutingHeaderGuard}. */
export interface RoutingHeaderGuardProps {
  /**
   * The CIDRs (IPv4 and IPv6, mixed) that may send the routing header; every other source gets a 403.
   * Empty: nobody may send it.
   */
  readonly sources: readonly string[];
  /** The rule's priority in the web ACL (lowest first). */
  readonly priority: number;
}

/** A `previewSources` entry WAF would refuse; thrown at synthesis, before anything deploys. */
export class InvalidPreviewSource extends Error {
  constructor(readonly source: string) {
    super(
      `Invalid preview source ${JSON.stringify(source)} in the stage file: expected an IPv4 or IPv6 CIDR ` +
        'such as 203.0.113.0/24 or 2001:db8::/48 (WAF refuses /0; use everySource for every address).',
    );
    this.name = 'InvalidPreviewSource';
  }
}

/**
 * A WAF rule for the platform web ACL: a request that carries the routing header ({@link routingHeader},
 * any value) from a source outside `sources` is blocked with a 403 problem+json body. The rule only
 * blocks, never allows, so requests from listed sources still go through every later rule. Add
 * {@link RoutingHeaderGuard.rule} to the web ACL's rules and {@link RoutingHeaderGuard.customResponseBodies}
 * to its custom response bodies.
 *
 * @example
 * ```ts
 * const guard = new RoutingHeaderGuard(this, 'RoutingHeaderGuard', { sources: ['203.0.113.0/24'], priority: 5 });
 * new wafv2.CfnWebACL(this, 'WebAcl', { ...acl, rules: [guard.rule, ...others], customResponseBodies: guard.customResponseBodies });
 * ```
 */
export class RoutingHeaderGuard extends Construct {
  /** The listed IPv4 sources (possibly none). */
  readonly ipv4Sources: wafv2.CfnIPSet;
  /** The listed IPv6 sources (possibly none). */
  readonly ipv6Sources: wafv2.CfnIPSet;
  /** The web ACL rule. */
  readonly rule: wafv2.CfnWebACL.RuleProperty;
  /** The custom response body the rule's block action refers to, by key. */
  readonly customResponseBodies: Record<string, wafv2.CfnWebACL.CustomResponseBodyProperty>;

  constructor(scope: Construct, id: string, props: RoutingHeaderGuardProps) {
    super(scope, id);
    const versions = props.sources.map((source) => ({ source, version: cidrVersion(source) }));
    const ipSet = (setId: string, version: 4 | 6): wafv2.CfnIPSet =>
      new wafv2.CfnIPSet(this, setId, {
        scope: 'REGIONAL',
        ipAddressVersion: `IPV${version}`,
        addresses: versions.filter((entry) => entry.version === version).map((entry) => entry.source),
        description: `IPv${version} sources that may send the ${routingHeader} header.`,
      });
    this.ipv4Sources = ipSet('Ipv4Sources', 4);
    this.ipv6Sources = ipSet('Ipv6Sources', 6);

    const bodyKey = 'routing-header-forbidden';
    const problem = new ForbiddenError(`The ${routingHeader} header is not accepted from this address.`);
    this.customResponseBodies = {
      // WAF offers application/json, not application/problem+json; the body is a problem document still.
      [bodyKey]: { contentType: 'APPLICATION_JSON', content: JSON.stringify(problem.toProblem()) },
    };

    const listed = (ipSetArn: string): wafv2.CfnWebACL.StatementProperty => ({
      ipSetReferenceStatement: { arn: ipSetArn },
    });
    this.rule = {
      name: 'BlockRoutingHeader',
      priority: props.priority,
      action: { block: { customResponse: { responseCode: 403, customResponseBodyKey: bodyKey } } },
      statement: {
        andStatement: {
          statements: [
            {
              // A request without the header does not match (WAF's rule for a missing component).
              sizeConstraintStatement: {
                fieldToMatch: { singleHeader: { Name: routingHeader } },
                comparisonOperator: 'GE',
                size: 0,
                textTransformations: [{ priority: 0, type: 'NONE' }],
              },
            },
            {
              notStatement: {
                statement: {
                  orStatement: {
                    statements: [listed(this.ipv4Sources.attrArn), listed(this.ipv6Sources.attrArn)],
                  },
                },
              },
            },
          ],
        },
      },
      visibilityConfig: {
        cloudWatchMetricsEnabled: true,
        metricName: 'block-routing-header',
        sampledRequestsEnabled: true,
      },
    };
  }
}

/** The IP version of a CIDR WAF accepts (prefix 1 to 32 or 1 to 128), else {@link InvalidPreviewSource}. */
function cidrVersion(source: string): 4 | 6 {
  const [address = '', prefix, ...rest] = source.split('/');
  const version = isIP(address);
  const bits = Number(prefix);
  const valid =
    (version === 4 || version === 6) &&
    rest.length === 0 &&
    prefix !== undefined &&
    /^\d+$/.test(prefix) &&
    bits >= 1 &&
    bits <= (version === 4 ? 32 : 128);
  if (!valid) throw new InvalidPreviewSource(source);
  return version;
}
