/**
 * The Menu service's CDK app: synthesizes `SliceMenu-<stage>` and nothing else.
 * `nx run menu:synth` runs it as `cdk synth` would; the stage comes from `-c stage=<stage>`.
 */
import { App } from 'aws-cdk-lib';
import { serviceStackName, stageEnvironment, synthesize } from '@slice/cdk';
import { MenuStack } from './menu-stack';

const app = new App();
const stage = process.env.SLICE_STAGE ?? (app.node.tryGetContext('stage') as string | undefined) ?? 'dev';
new MenuStack(app, serviceStackName('menu', stage), { stage, env: stageEnvironment(stage) });
synthesize(app);
