import type { IConstruct } from 'constructs';
import { isDevelopmentStage, ServiceStack } from './service-stack';

/** The stage a construct deploys to. */
export interface StageContext {
  readonly stage: string;
  readonly isDevelopment: boolean;
}

/** The stage and service a construct belongs to. */
export interface ServiceContext extends StageContext {
  readonly serviceName: string;
}

const missing = (construct: IConstruct, what: string): Error =>
  new Error(
    `${construct.node.path}: cannot tell the ${what}. Create it inside a ServiceStack or pass ${what}.`,
  );

/** The stage given in a construct's props, or else the enclosing {@link ServiceStack}'s. */
export function stageContextOf(construct: IConstruct, stage: string | undefined): StageContext {
  const resolved = stage ?? ServiceStack.find(construct)?.stage;
  if (resolved === undefined) throw missing(construct, 'stage');
  return { stage: resolved, isDevelopment: isDevelopmentStage(resolved) };
}

/** The stage and service given in a construct's props, or else the enclosing {@link ServiceStack}'s. */
export function serviceContextOf(
  construct: IConstruct,
  given: { readonly stage?: string; readonly serviceName?: string },
): ServiceContext {
  const serviceName = given.serviceName ?? ServiceStack.find(construct)?.service.name;
  if (serviceName === undefined) throw missing(construct, 'serviceName');
  return { ...stageContextOf(construct, given.stage), serviceName };
}
