import { AwsError } from '../../src/endpoint/errors';
import { awsQueryProtocol, queryResult } from '../../src/endpoint/query-protocol';

const protocol = awsQueryProtocol({
  xmlns: 'http://sns.amazonaws.com/doc/2010-03-31/',
  commonErrors: { AccessDeniedException: 'AuthorizationError' },
  errorStatus: { AuthorizationError: 403 },
});

const request = (body: string, url = '/') => ({
  method: 'POST',
  url,
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: Buffer.from(body),
});

describe('the AWS query protocol', () => {
  it('reads lists as arrays and entry maps as objects, as the SDK writes them', () => {
    const body = new URLSearchParams({
      Action: 'PublishBatch',
      Version: '2010-03-31',
      TopicArn: 'arn:aws:sns:eu-west-1:000000000000:orders',
      'PublishBatchRequestEntries.member.2.Id': 'b',
      'PublishBatchRequestEntries.member.2.Message': 'second',
      'PublishBatchRequestEntries.member.1.Id': 'a',
      'PublishBatchRequestEntries.member.1.Message': 'first & <last>',
      'PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Name': 'channel',
      'PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.DataType': 'String',
      'PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.StringValue': 'sms',
    }).toString();
    expect(protocol.read(request(body))).toEqual({
      operation: 'PublishBatch',
      input: {
        TopicArn: 'arn:aws:sns:eu-west-1:000000000000:orders',
        PublishBatchRequestEntries: [
          {
            Id: 'a',
            Message: 'first & <last>',
            MessageAttributes: { channel: { DataType: 'String', StringValue: 'sms' } },
          },
          { Id: 'b', Message: 'second' },
        ],
      },
    });
  });

  it('reads the query string of a request without a body', () => {
    expect(protocol.read(request('', '/?Action=ListTopics&Version=2010-03-31'))).toEqual({
      operation: 'ListTopics',
      input: {},
    });
  });

  it('refuses a request without an Action', () => {
    expect(() => protocol.read(request('TopicArn=x'))).toThrow(AwsError);
  });

  it('writes the result in <OperationResponse><OperationResult>, escaping text, lists as members and maps as entries', () => {
    const answer = protocol.write(
      200,
      queryResult('GetTopicAttributes', {
        Attributes: new Map([['DisplayName', 'Pizza & <Co>']]),
        Topics: [{ TopicArn: 'a' }, { TopicArn: 'b' }],
      }),
    );
    const xml = answer.body.toString('utf8');
    expect(answer.headers['content-type']).toBe('text/xml');
    expect(xml).toContain(
      '<GetTopicAttributesResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><GetTopicAttributesResult>',
    );
    expect(xml).toContain(
      '<Attributes><entry><key>DisplayName</key><value>Pizza &#38; &#60;Co&#62;</value></entry></Attributes>',
    );
    expect(xml).toContain(
      '<Topics><member><TopicArn>a</TopicArn></member><member><TopicArn>b</TopicArn></member></Topics>',
    );
    expect(xml).toMatch(/<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata>/);
  });

  it("writes an error as <ErrorResponse>, with the API's name and status of the shared errors", () => {
    const type = protocol.commonErrorType('AccessDeniedException');
    expect(type).toBe('AuthorizationError');
    const answer = protocol.error(new AwsError(400, type, 'User: x is not authorized'));
    expect(answer.status).toBe(403);
    expect(answer.body.toString('utf8')).toContain(
      '<Error><Type>Sender</Type><Code>AuthorizationError</Code><Message>User: x is not authorized</Message></Error>',
    );
  });
});
