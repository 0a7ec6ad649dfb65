import type { MethodSpec, RestResourceSpec } from '../../assembly/types';

/** A resource of an API, ready to serve. */
export interface CompiledResource {
  readonly spec: RestResourceSpec;
  /** Upper-case HTTP method (or `ANY`) → method. */
  readonly methods: ReadonlyMap<string, MethodSpec>;
}

interface Node {
  readonly literal: Map<string, Node>;
  param?: { readonly name: string; readonly node: Node };
  greedy?: { readonly name: string; readonly resource: CompiledResource };
  resource?: CompiledResource;
}

/** The resource a path matched and its path parameters (as in the path: still percent-encoded). */
export interface ResourceMatch {
  readonly resource: CompiledResource;
  readonly pathParameters: Readonly<Record<string, string>>;
}

const node = (): Node => ({ literal: new Map() });

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The resource tree of a REST API, matched the way API Gateway matches: segment by segment, a
 * literal segment before a `{param}`, and a trailing `{name+}` taking the rest of the path (one
 * segment or more). A single trailing slash is ignored. A literal segment matches its decoded form
 * (`/a%62c` reaches `/abc`); path parameter values stay percent-encoded, as API Gateway passes them
 * to a proxy integration.
 *
 * @example
 * ```ts
 * const router = new ResourceRouter(api.resources);
 * router.match('/orders/o-1'); // { resource: <'/orders/{orderId}'>, pathParameters: { orderId: 'o-1' } }
 * ```
 */
export class ResourceRouter {
  private readonly root: Node = node();

  constructor(resources: readonly RestResourceSpec[]) {
    for (const spec of resources) {
      const resource: CompiledResource = {
        spec,
        methods: new Map(spec.methods.map((method) => [method.httpMethod.toUpperCase(), method])),
      };
      let current = this.root;
      const segments = spec.path.split('/').filter(Boolean);
      segments.forEach((segment, index) => {
        const parameter = /^\{([^{}]+?)(\+?)\}$/.exec(segment);
        if (parameter?.[2] === '+' && index === segments.length - 1) {
          current.greedy = { name: parameter[1] ?? 'proxy', resource };
          return;
        }
        if (parameter) {
          current.param ??= { name: parameter[1] ?? '', node: node() };
          current = current.param.node;
          return;
        }
        let next = current.literal.get(segment);
        if (!next) {
          next = node();
          current.literal.set(segment, next);
        }
        current = next;
      });
      if (!segments.some((segment) => /^\{.+\+\}$/.test(segment))) current.resource = resource;
    }
  }

  /** The resource `path` (as the API sees it, still percent-encoded) matches, if any. */
  match(path: string): ResourceMatch | undefined {
    const segments = path.split('/').slice(1);
    if (segments.length > 0 && segments[segments.length - 1] === '') segments.pop();
    return this.walk(this.root, segments, 0, {});
  }

  private walk(
    current: Node,
    segments: readonly string[],
    index: number,
    parameters: Record<string, string>,
  ): ResourceMatch | undefined {
    if (index === segments.length) {
      return current.resource ? { resource: current.resource, pathParameters: parameters } : undefined;
    }
    const segment = segments[index] ?? '';
    if (segment === '') return undefined;
    const literal = current.literal.get(decode(segment));
    const viaLiteral = literal && this.walk(literal, segments, index + 1, parameters);
    if (viaLiteral) return viaLiteral;
    if (current.param) {
      const viaParam = this.walk(current.param.node, segments, index + 1, {
        ...parameters,
        [current.param.name]: segment,
      });
      if (viaParam) return viaParam;
    }
    if (current.greedy) {
      return {
        resource: current.greedy.resource,
        pathParameters: { ...parameters, [current.greedy.name]: segments.slice(index).join('/') },
      };
    }
    return undefined;
  }
}

/**
 * The method of a resource for an HTTP method: the method itself, else `ANY`.
 *
 * @example
 * ```ts
 * const match = router.match('/orders');
 * const method = match && methodOf(match.resource, 'POST');
 * ```
 */
export function methodOf(resource: CompiledResource, httpMethod: string): MethodSpec | undefined {
  return resource.methods.get(httpMethod.toUpperCase()) ?? resource.methods.get('ANY');
}
