import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../src/http';
import { createEndpointIntegrations } from '../../src/services/stepfunctions/endpoint-integrations';
import type { IntegrationRequest, JsonObject } from '../../src/services/stepfunctions';

/** A stand-in endpoint: records each request and answers what the test queued. */
class Endpoint {
  readonly requests: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = [];
  readonly answers: Array<{ status: number; headers?: Record<string, string>; body: string }> = [];
  readonly server: Server = createServer((req, res) => {
    void readBody(req, 1_000_000).then((body) => {
      this.requests.push({ url: req.url ?? '', headers: req.headers, body: body?.toString('utf8') ?? '' });
      const answer = this.answers.shift() ?? { status: 200, body: '{}' };
      res.writeHead(answer.status, answer.headers ?? { 'content-type': 'application/json' });
      res.end(answer.body);
    });
  });

  url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
}

const machineArn = 'arn:aws:states:eu-west-1:000000000000:stateMachine:kitchen';

const call = (
  service: IntegrationRequest['service'],
  operation: string,
  request: JsonObject,
): IntegrationRequest => ({
  service,
  operation,
  iamAction: `${service}:${operation}`,
  request,
  roleArn: 'arn:aws:iam::000000000000:role/KitchenRole',
  executionArn: 'arn:aws:states:eu-west-1:000000000000:execution:kitchen:order-1',
  stateMachineArn: machineArn,
});

describe('task integrations over the local AWS endpoint', () => {
  const endpoint = new Endpoint();
  const integrations = createEndpointIntegrations({
    endpointUrl: () => endpoint.url(),
    region: 'eu-west-1',
    accessKeyOf: (arn) => (arn === machineArn ? 'AKIAKITCHENROLE00000' : undefined),
  });
  const signal = new AbortController().signal;

  beforeAll(() => new Promise<void>((done) => endpoint.server.listen(0, '127.0.0.1', done)));
  afterAll(() => new Promise<void>((done) => endpoint.server.close(() => done())));
  beforeEach(() => (endpoint.requests.length = 0));

  it("publishes to SNS in the Query protocol its SDK speaks, signed as the state machine's role", async () => {
    endpoint.answers.push({
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body: '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>',
    });

    const outcome = await integrations.call(
      call('sns', 'Publish', {
        TopicArn: 'arn:aws:sns:eu-west-1:000000000000:orders',
        Message: '{"orderId":"1"}',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'baked' } },
      }),
      signal,
    );

    expect(outcome).toEqual({ ok: true, response: { MessageId: 'm-1' } });
    const [request] = endpoint.requests;
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAKITCHENROLE00000\/\d{8}\/eu-west-1\/sns\/aws4_request/,
    );
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      Action: 'Publish',
      Version: '2010-03-31',
      TopicArn: 'arn:aws:sns:eu-west-1:000000000000:orders',
      Message: '{"orderId":"1"}',
      'MessageAttributes.entry.1.Name': 'kind',
      'MessageAttributes.entry.1.Value.DataType': 'String',
      'MessageAttributes.entry.1.Value.StringValue': 'baked',
    });
  });

  it("reads a Query protocol error's code and message", async () => {
    endpoint.answers.push({
      status: 403,
      headers: { 'content-type': 'text/xml' },
      body: '<ErrorResponse><Error><Type>Sender</Type><Code>AuthorizationError</Code><Message>User: x is not authorized to perform: SNS:Publish &amp; &#60;more&#x3E;</Message></Error></ErrorResponse>',
    });
    const outcome = await integrations.call(call('sns', 'Publish', { TopicArn: 't', Message: 'm' }), signal);
    expect(outcome).toEqual({
      ok: false,
      code: 'AuthorizationError',
      message: 'User: x is not authorized to perform: SNS:Publish & <more>',
      statusCode: 403,
    });
  });

  it('starts an execution through the Step Functions JSON API and answers as the task result is shaped', async () => {
    endpoint.answers.push({ status: 200, body: '{"executionArn":"arn:e","startDate":1796115600.5}' });
    const outcome = await integrations.call(
      call('states', 'StartExecution', { StateMachineArn: machineArn, Input: '{}', Name: 'child' }),
      signal,
    );
    expect(outcome).toEqual({ ok: true, response: { ExecutionArn: 'arn:e', StartDate: 1796115600500 } });
    const [request] = endpoint.requests;
    expect(request?.headers['x-amz-target']).toBe('AWSStepFunctions.StartExecution');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      stateMachineArn: machineArn,
      input: '{}',
      name: 'child',
    });
  });

  it("invokes a function through Lambda's Invoke API and reads a function error from its header", async () => {
    endpoint.answers.push({
      status: 200,
      headers: { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' },
      body: '{"errorType":"OutOfDough","errorMessage":"no dough"}',
    });
    const outcome = await integrations.call(
      call('lambda', 'Invoke', {
        FunctionName: 'arn:aws:lambda:eu-west-1:000000000000:function:oven',
        Payload: { n: 1 },
      }),
      signal,
    );
    expect(outcome).toEqual({
      ok: true,
      response: {
        StatusCode: 200,
        Payload: { errorType: 'OutOfDough', errorMessage: 'no dough' },
        ExecutedVersion: '$LATEST',
        FunctionError: 'Unhandled',
      },
    });
    expect(endpoint.requests[0]?.url).toBe(
      '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A000000000000%3Afunction%3Aoven/invocations',
    );
    expect(endpoint.requests[0]?.body).toBe('{"n":1}');
  });

  it('answers a JSON-protocol error with its __type, and a state machine it does not know without calling', async () => {
    endpoint.answers.push({
      status: 400,
      body: '{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"}',
    });
    const failed = await integrations.call(call('dynamodb', 'PutItem', { TableName: 't', Item: {} }), signal);
    expect(failed).toMatchObject({
      ok: false,
      code: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
      statusCode: 400,
    });
    expect(endpoint.requests[0]?.headers['x-amz-target']).toBe('DynamoDB_20120810.PutItem');

    const unknown = await integrations.call(
      { ...call('sqs', 'SendMessage', {}), stateMachineArn: 'arn:other' },
      signal,
    );
    expect(unknown).toMatchObject({ ok: false, code: 'UnrecognizedClientException' });
    expect(endpoint.requests).toHaveLength(1);
  });
});
