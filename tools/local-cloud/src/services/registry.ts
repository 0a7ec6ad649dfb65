import type { AwsService, ModelChange, ServiceUpdate } from './service';

/**
 * The services the local AWS endpoint dispatches to, keyed by what the protocol names: the
 * `X-Amz-Target` prefix of a JSON-protocol request, else the signing name of its SigV4 credential
 * scope (a REST API such as Lambda's has no target).
 */
export interface ServiceRegistry {
  /** Adds a service; a second service with the same target prefix or signing name is a mistake and throws. */
  register(service: AwsService): void;
  /** The service a request is for: by its target prefix first, else by its signing name. */
  resolve(request: { readonly target?: string; readonly signingName?: string }): AwsService | undefined;
  /** Every service, in the order registered. */
  all(): readonly AwsService[];
  /**
   * Hands a redeploy to every service in the order registered (register the ones others depend
   * on first: tables before the functions that read them, the gateway last) and gathers their notes.
   */
  update(change: ModelChange): Promise<Required<ServiceUpdate>>;
  /** Stops every service, the last registered first; each is stopped even when another fails. */
  stop(): Promise<void>;
}

/** The `X-Amz-Target` prefix: `DynamoDB_20120810` of `DynamoDB_20120810.PutItem`. */
export const targetPrefixOf = (target: string): string => {
  const dot = target.indexOf('.');
  return dot === -1 ? target : target.slice(0, dot);
};

/**
 * Creates an empty registry.
 *
 * @example
 * ```ts
 * const services = createServiceRegistry();
 * services.register(createSsmService({ sources }));
 * services.resolve({ target: 'AmazonSSM.GetParameter' }); // the SSM service
 * services.resolve({ signingName: 'ssm' }); // the same
 * ```
 */
export function createServiceRegistry(): ServiceRegistry {
  const services: AwsService[] = [];
  const byTarget = new Map<string, AwsService>();
  const bySigningName = new Map<string, AwsService>();
  return {
    register(service) {
      const taken =
        bySigningName.get(service.signingName) ??
        (service.targetPrefix === undefined ? undefined : byTarget.get(service.targetPrefix));
      if (taken) {
        throw new Error(
          `Two services claim ${service.targetPrefix ?? service.signingName}: ${taken.describe} and ${service.describe}`,
        );
      }
      services.push(service);
      bySigningName.set(service.signingName, service);
      if (service.targetPrefix !== undefined) byTarget.set(service.targetPrefix, service);
    },
    resolve({ target, signingName }) {
      const byPrefix = target === undefined ? undefined : byTarget.get(targetPrefixOf(target));
      return byPrefix ?? (signingName === undefined ? undefined : bySigningName.get(signingName));
    },
    all: () => [...services],
    async update(change) {
      const notes: string[] = [];
      for (const service of services) notes.push(...((await service.update(change)).notes ?? []));
      return { notes };
    },
    async stop() {
      const failures: unknown[] = [];
      for (const service of [...services].reverse()) {
        await service.stop().catch((error: unknown) => failures.push(error));
      }
      if (failures.length > 0) throw new AggregateError(failures, 'Some services failed to stop');
    },
  };
}
