/**
 * The developer portal's CDK app: synthesizes `SlicePortal-<stage>` around the portal that
 * `nx run portal:generate` (`npm run portal`) wrote to `dist/portal`, nothing else. `nx run
 * portal:synth` runs the generator first; the stage comes from the target configuration.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { serviceStackName, stageEnvironment, synthesize } from '@slice/cdk';
import { PortalStack } from './portal-stack';

const app = new App();
const stage = process.env.SLICE_STAGE ?? (app.node.tryGetContext('stage') as string | undefined) ?? 'dev';
const siteDir = join(__dirname, '../../../dist/portal');
if (!existsSync(join(siteDir, 'index.html'))) {
  throw new Error('No portal in dist/portal: run `npx nx run portal:generate` (or `npm run portal`) first.');
}
new PortalStack(app, serviceStackName('portal', stage), { stage, env: stageEnvironment(stage), siteDir });
synthesize(app);
