/**
 * The monolith's CDK app: synthesizes `SliceMonolith-<stage>` and nothing else.
 * `nx run monolith:synth` runs it as `cdk synth` would; the stage comes from the target configuration.
 */
import { App } from 'aws-cdk-lib';
import { serviceStackName, stageEnvironment, synthesize } from '@slice/cdk';
import { MonolithStack } from './monolith-stack';

const app = new App();
const stage = process.env.SLICE_STAGE ?? (app.node.tryGetContext('stage') as string | undefined) ?? 'dev';
new MonolithStack(app, serviceStackName('monolith', stage), { stage, env: stageEnvironment(stage) });
synthesize(app);
