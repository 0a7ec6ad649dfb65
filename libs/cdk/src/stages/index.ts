import type { Environment } from 'aws-cdk-lib';
import { dev } from './dev';
import { prod } from './prod';
import type { StageConfig } from './types';

export { everySource, type RolloutPolicy, type StageConfig } from './types';

/** Every stage, by name. Add a stage by adding its file here. */
export const stages: Readonly<Record<string, StageConfig>> = { dev, prod };

/**
 * The configuration of a stage; an unknown stage is an error that lists the known ones.
 *
 * @example
 * ```ts
 * stageConfig('prod').rollout; // { type: 'canary', percent: 10, minutes: 5 }
 * ```
 */
export function stageConfig(stage: string): StageConfig {
  const config = stages[stage];
  if (!config) throw new Error(`Unknown stage ${stage}; known stages: ${Object.keys(stages).join(', ')}.`);
  return config;
}

/**
 * The CDK environment of a stage: its region, and its account when the stage file pins one
 * (otherwise the account of the deploying credentials).
 *
 * @example
 * ```ts
 * new MenuStack(app, serviceStackName('menu', 'dev'), { stage: 'dev', env: stageEnvironment('dev') });
 * ```
 */
export function stageEnvironment(stage: string): Environment {
  const { account, region } = stageConfig(stage);
  return { region, ...(account ? { account } : {}) };
}

/**
 * The origins browsers may call a stage's REST APIs from: the storefront's (`https://<webDomainName>`).
 * A stage without a stage file (a preview stage, `local`) allows any origin.
 *
 * @example
 * ```ts
 * stageCorsOrigins('dev'); // ['https://www.dev.slice.example.com']
 * ```
 */
export function stageCorsOrigins(stage: string): string[] {
  const config = stages[stage];
  return config ? [`https://${config.webDomainName}`] : ['*'];
}

/**
 * The origin of a stage's hosted sign-in pages and OAuth 2.0 endpoints: the user pool's Cognito
 * domain, `https://<signInDomainPrefix>.auth.<region>.amazoncognito.com`.
 *
 * @example
 * ```ts
 * signInOrigin('dev'); // 'https://slice-dev-example.auth.eu-west-1.amazoncognito.com'
 * ```
 */
export function signInOrigin(stage: string): string {
  const { signInDomainPrefix, region } = stageConfig(stage);
  return `https://${signInDomainPrefix}.auth.${region}.amazoncognito.com`;
}
