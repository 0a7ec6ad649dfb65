import { AwsError } from '../../src/endpoint/errors';
import { awsJsonProtocol } from '../../src/endpoint/json-protocol';
import { createServiceRegistry } from '../../src/services/registry';
import { type AwsService, type ModelChange, jsonAnswer } from '../../src/services/service';

const protocol = awsJsonProtocol({ version: '1.1' });

function fakeService(signingName: string, targetPrefix?: string, events: string[] = []): AwsService {
  return {
    signingName,
    ...(targetPrefix === undefined ? {} : { targetPrefix }),
    protocol,
    describe: signingName,
    call: () => ({ permissions: [], answer: () => jsonAnswer({}) }),
    update: () => {
      events.push(`update ${signingName}`);
      return Promise.resolve({ notes: [`${signingName} noted`] });
    },
    stop: () => {
      events.push(`stop ${signingName}`);
      return Promise.resolve();
    },
  };
}

const change = {} as ModelChange;

describe('the service registry', () => {
  it('finds a JSON-protocol service by the prefix of its X-Amz-Target', () => {
    const registry = createServiceRegistry();
    const ssm = fakeService('ssm', 'AmazonSSM');
    registry.register(ssm);
    registry.register(fakeService('sqs', 'AmazonSQS'));

    expect(registry.resolve({ target: 'AmazonSSM.GetParameter', signingName: 'sqs' })).toBe(ssm);
  });

  it('finds a REST service, which has no target, by the signing name of its credential scope', () => {
    const registry = createServiceRegistry();
    const lambda = fakeService('lambda');
    registry.register(lambda);

    expect(registry.resolve({ signingName: 'lambda' })).toBe(lambda);
    expect(registry.resolve({ target: 'Unknown_2020.Op', signingName: 'lambda' })).toBe(lambda);
  });

  it('finds nothing for a service nobody registered', () => {
    const registry = createServiceRegistry();
    registry.register(fakeService('ssm', 'AmazonSSM'));

    expect(
      registry.resolve({ target: 'AWSStepFunctions.StartExecution', signingName: 'states' }),
    ).toBeUndefined();
    expect(registry.resolve({})).toBeUndefined();
  });

  it('refuses a second service with the same signing name or target prefix', () => {
    const registry = createServiceRegistry();
    registry.register(fakeService('ssm', 'AmazonSSM'));

    expect(() => registry.register(fakeService('ssm'))).toThrow(/Two services claim ssm/);
    expect(() => registry.register(fakeService('other', 'AmazonSSM'))).toThrow(
      /Two services claim AmazonSSM/,
    );
  });

  it('updates in the order registered, gathering the notes, and stops in the reverse order', async () => {
    const events: string[] = [];
    const registry = createServiceRegistry();
    registry.register(fakeService('dynamodb', 'DynamoDB_20120810', events));
    registry.register(fakeService('lambda', undefined, events));

    const update = await registry.update(change);
    await registry.stop();

    expect(update.notes).toEqual(['dynamodb noted', 'lambda noted']);
    expect(events).toEqual(['update dynamodb', 'update lambda', 'stop lambda', 'stop dynamodb']);
  });

  it('stops every service even when one fails to stop, and reports the failure', async () => {
    const events: string[] = [];
    const registry = createServiceRegistry();
    registry.register(fakeService('dynamodb', 'DynamoDB_20120810', events));
    registry.register({ ...fakeService('sqs', 'AmazonSQS'), stop: () => Promise.reject(new Error('stuck')) });

    await expect(registry.stop()).rejects.toThrow('Some services failed to stop');
    expect(events).toEqual(['stop dynamodb']);
  });
});

describe('the AWS JSON protocol', () => {
  const raw = (body: string, target = 'AmazonSSM.GetParameter') => ({
    method: 'POST',
    url: '/',
    headers: { 'x-amz-target': target },
    body: Buffer.from(body),
  });

  it('reads the operation from the target and the input from the body; an empty body is {}', () => {
    expect(protocol.read(raw('{"Name":"/x"}'))).toEqual({ operation: 'GetParameter', input: { Name: '/x' } });
    expect(protocol.read(raw(''))).toEqual({ operation: 'GetParameter', input: {} });
  });

  it('answers a SerializationException for a body that is not a JSON object', () => {
    let thrown: unknown;
    try {
      protocol.read(raw('{'));
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(AwsError);
    expect(thrown).toMatchObject({ status: 400, type: 'SerializationException' });
    expect(() => protocol.read(raw('[1]'))).toThrow('The request body is not a JSON object.');
  });

  it('writes an error as __type and message with its status, in its content type', () => {
    const answer = awsJsonProtocol({ version: '1.0', qualifiedCommonErrors: true }).error(
      new AwsError(400, 'com.amazon.coral.service#AccessDeniedException', 'denied'),
    );

    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(JSON.parse(answer.body.toString())).toEqual({
      __type: 'com.amazon.coral.service#AccessDeniedException',
      message: 'denied',
    });
  });

  it('names the shared errors with the Coral namespace only when asked, as DynamoDB does', () => {
    expect(
      awsJsonProtocol({ version: '1.0', qualifiedCommonErrors: true }).commonErrorType('InternalFailure'),
    ).toBe('com.amazon.coral.service#InternalFailure');
    expect(protocol.commonErrorType('InternalFailure')).toBe('InternalFailure');
  });
});
