/**
 * The storefront's CDK app: synthesizes `SliceStorefront-<stage>` and nothing else.
 * `nx run storefront:synth` runs it through `cdk synth`; the stage comes from the target configuration.
 */
import { App } from 'aws-cdk-lib';
import { serviceStackName, stageEnvironment, synthesize } from '@slice/cdk';
import { StorefrontStack } from './storefront-stack';

const app = new App();
const stage = process.env.SLICE_STAGE ?? (app.node.tryGetContext('stage') as string | undefined) ?? 'dev';
new StorefrontStack(app, serviceStackName('storefront', stage), { stage, env: stageEnvironment(stage) });
synthesize(app);
