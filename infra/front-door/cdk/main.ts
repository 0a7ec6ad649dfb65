/**
 * The front door's CDK app: `SliceFrontDoor-<stage>`, the custom domain and its routing rules,
 * composed from `src/routing.ts`. Deployed after the services whose API ids it reads from SSM.
 */
import { App } from 'aws-cdk-lib';
import { serviceStackName, stageEnvironment, synthesize } from '@slice/cdk';
import { FrontDoorStack, routing } from '../src';

const app = new App();
const stage = process.env.SLICE_STAGE ?? (app.node.tryGetContext('stage') as string | undefined) ?? 'dev';
new FrontDoorStack(app, serviceStackName('front-door', stage), {
  stage,
  env: stageEnvironment(stage),
  routing,
});
synthesize(app);
