/**
 * The Orders service's CDK app: synthesizes `SliceOrders-<stage>` and nothing else.
 * `nx run orders:synth` runs it as `cdk synth` would; the stage comes from the target configuration.
 */
import { App } from 'aws-cdk-lib';
import { serviceStackName, stageEnvironment, synthesize } from '@slice/cdk';
import { OrdersStack } from './orders-stack';

const app = new App();
const stage = process.env.SLICE_STAGE ?? (app.node.tryGetContext('stage') as string | undefined) ?? 'dev';
new OrdersStack(app, serviceStackName('orders', stage), { stage, env: stageEnvironment(stage) });
synthesize(app);
