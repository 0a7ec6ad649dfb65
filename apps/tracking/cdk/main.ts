/**
 * The Tracking service's CDK app: synthesizes `SliceTracking-<stage>` and nothing else.
 * `nx run tracking:synth` runs it as `cdk synth` would; the stage comes from the target configuration.
 */
import { App } from 'aws-cdk-lib';
import { serviceStackName, stageEnvironment, synthesize } from '@slice/cdk';
import { TrackingStack } from './tracking-stack';

const app = new App();
const stage = process.env.SLICE_STAGE ?? (app.node.tryGetContext('stage') as string | undefined) ?? 'dev';
new TrackingStack(app, serviceStackName('tracking', stage), { stage, env: stageEnvironment(stage) });
synthesize(app);
