/**
 * The developer portal's CDK app: writes the portal (`npm run portal`, from the templates the other
 * projects' synth targets wrote) and synthesizes `SlicePortal-<stage>` with it, nothing else.
 * `nx run portal:synth` runs it through `cdk synth`; the stage comes from the target configuration.
 */
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { serviceStackName, stageEnvironment, synthesize } from '@slice/cdk';
import { generatePortal } from '../src';
import { PortalStack } from './portal-stack';

const app = new App();
const stage = process.env.SLICE_STAGE ?? (app.node.tryGetContext('stage') as string | undefined) ?? 'dev';

generatePortal(join(__dirname, '../../..'))
  .then(({ folder }) => {
    new PortalStack(app, serviceStackName('portal', stage), {
      stage,
      env: stageEnvironment(stage),
      siteDir: folder,
    });
    synthesize(app);
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
