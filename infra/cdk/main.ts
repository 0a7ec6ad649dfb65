/**
 * The platform's CDK app: `SlicePlatform-<stage>` (bus, user pool, WAF, SSM values), deployed
 * before every service. The stage comes from the synth target's configuration.
 */
import { App } from 'aws-cdk-lib';
import { serviceStackName, stageEnvironment, synthesize } from '@slice/cdk';
import { PlatformStack } from '../src';

const app = new App();
const stage = process.env.SLICE_STAGE ?? (app.node.tryGetContext('stage') as string | undefined) ?? 'dev';
new PlatformStack(app, serviceStackName('platform', stage), { stage, env: stageEnvironment(stage) });
synthesize(app);
