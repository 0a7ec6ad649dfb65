/**
 * The developer portal's CDK app: synthesizes `SlicePortal-<stage>` and nothing else.
 * `nx run portal:synth` writes the portal (`npm run portal`) and runs it through `cdk synth`.
 */
import { App } from 'aws-cdk-lib';
import { serviceStackName, stageEnvironment, synthesize } from '@slice/cdk';
import { PortalStack } from './portal-stack';

const app = new App();
const stage = process.env.SLICE_STAGE ?? (app.node.tryGetContext('stage') as string | undefined) ?? 'dev';
new PortalStack(app, serviceStackName('portal', stage), { stage, env: stageEnvironment(stage) });
synthesize(app);
