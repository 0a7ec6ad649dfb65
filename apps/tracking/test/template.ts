import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { TrackingStack } from '../cdk/tracking-stack';

let template: Template | undefined;

/** The synthesized `SliceTracking-dev` template, built once per test file; bundling is the synth target's business. */
export function trackingTemplate(): Template {
  template ??= Template.fromStack(
    new TrackingStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'SliceTracking-dev', {
      stage: 'dev',
    }),
  );
  return template;
}
