/** A fixture service for tests of the whole local cloud: synthesized with the CDK into a temporary root. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  App,
  Stack,
  aws_apigateway as apigateway,
  aws_dynamodb as dynamodb,
  aws_lambda as lambda,
} from 'aws-cdk-lib';

/**
 * The handler of the fixture services: answers its version and process id; `/slow` answers after
 * 1.5 s; `/table` writes to `TABLE_NAME` through the local AWS endpoint with the function's own key.
 */
const handlerSource = (version: string) => `
export const handler = async (event) => {
  if (event.path.endsWith('/slow')) await new Promise((done) => setTimeout(done, 1500));
  if (event.path.endsWith('/table')) {
    const response = await fetch(process.env.AWS_ENDPOINT_URL, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.PutItem',
        'x-amz-date': '20260101T000000Z',
        authorization: \`AWS4-HMAC-SHA256 Credential=\${process.env.AWS_ACCESS_KEY_ID}/20260101/\${process.env.AWS_REGION}/dynamodb/aws4_request, SignedHeaders=host, Signature=0\`,
      },
      body: JSON.stringify({ TableName: process.env.TABLE_NAME, Item: { pk: { S: 'redeployed' } } }),
    });
    return { statusCode: response.status, body: await response.text() };
  }
  return { statusCode: 200, body: JSON.stringify({ version: ${JSON.stringify(version)}, pid: process.pid }) };
};
`;

/** Synthesizes the service `name` (`Slice<Name>-dev`, base path `/<name>`) into `<root>/dist/apps/<name>/cdk.out`. */
export function synthesizeService(root: string, name: string, version: string, withTable = false): string {
  const code = join(root, 'code', `${name}-${version}`);
  mkdirSync(code, { recursive: true });
  writeFileSync(join(code, 'index.mjs'), handlerSource(version));
  const outdir = join(root, 'dist/apps', name, 'cdk.out');
  const app = new App({ outdir });
  const stack = new Stack(app, `Slice${name[0]?.toUpperCase() ?? ''}${name.slice(1)}-dev`, {
    env: { region: 'eu-west-1' },
  });
  const fn = new lambda.Function(stack, 'Handler', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(code),
  });
  if (withTable) {
    const table = new dynamodb.TableV2(stack, 'NewTable', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });
    table.grantWriteData(fn);
    fn.addEnvironment('TABLE_NAME', table.tableName);
  }
  const api = new apigateway.RestApi(stack, 'Api', {
    restApiName: name,
    deployOptions: { stageName: 'dev' },
  });
  const base = api.root.addResource(name);
  const integration = new apigateway.LambdaIntegration(fn);
  base.addMethod('GET', integration);
  base.addResource('slow').addMethod('GET', integration);
  base.addResource('table').addMethod('GET', integration);
  app.synth();
  return outdir;
}
