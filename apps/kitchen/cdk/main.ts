/**
 * The Kitchen service's CDK app: synthesizes `SliceKitchen-<stage>` and nothing else.
 * `nx run kitchen:synth` runs it as `cdk synth` would; the stage comes from the target configuration.
 */
import { App } from 'aws-cdk-lib';
import { serviceStackName, stageEnvironment, synthesize } from '@slice/cdk';
import { KitchenStack } from './kitchen-stack';

const app = new App();
const stage = process.env.SLICE_STAGE ?? (app.node.tryGetContext('stage') as string | undefined) ?? 'dev';
new KitchenStack(app, serviceStackName('kitchen', stage), { stage, env: stageEnvironment(stage) });
synthesize(app);
