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
