export { awsManagedPolicies, statementsOf } from './iam';
export { loadAssemblies, type LoadAssembliesOptions } from './load';
export { arns, functionArnOfUri, generatedName, stableId, streamLabel, type Arns } from './names';
export { defaultIntegrationTimeoutMs, restApisOf, type RestApiContext } from './rest-api';
export {
  Resolver,
  UnresolvableError,
  type ResolutionProblem,
  type ResolverOptions,
  type ResolverStack,
} from './resolve';
export { generateSecretString, type GenerateSecretStringOptions } from './secrets';
export type * from '../model';
