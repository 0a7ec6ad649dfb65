import type { StreamTableListing } from '../../src/admin/functions';
import { streamEvent } from '../../src/invoke/events';

const streamArn = 'arn:aws:dynamodb:eu-west-1:000000000000:table/orders/stream/2026-12-02T00:00:00.000';

const table = (viewType: StreamTableListing['viewType']): StreamTableListing => ({
  tableName: 'orders',
  viewType,
  keyAttributes: ['pk', 'sk'],
  keyTypes: { pk: 'S', sk: 'S' },
});

const order = { pk: 'ORDER#1', sk: 'ORDER', status: 'PLACED', total: { amount: 1250, currency: 'EUR' } };
const cancelled = { ...order, status: 'CANCELLED' };

describe('the stream event of npm run invoke', () => {
  it('is one record as Lambda receives it: keys from the key schema, images in the wire format', () => {
    const { Records } = streamEvent(streamArn, table('NEW_AND_OLD_IMAGES'), {
      eventName: 'INSERT',
      newImage: order,
    });
    expect(Records).toHaveLength(1);
    expect(Records[0]).toMatchObject({
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-1',
      eventSourceARN: streamArn,
      dynamodb: {
        Keys: { pk: { S: 'ORDER#1' }, sk: { S: 'ORDER' } },
        NewImage: {
          pk: { S: 'ORDER#1' },
          status: { S: 'PLACED' },
          total: { M: { amount: { N: '1250' }, currency: { S: 'EUR' } } },
        },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    expect(Records[0]?.dynamodb).not.toHaveProperty('OldImage');
    expect(Records[0]?.dynamodb.SequenceNumber).toMatch(/^\d{21}$/);
  });

  it('keeps only the images the view type keeps', () => {
    const change = { eventName: 'MODIFY', oldImage: order, newImage: cancelled } as const;
    const both = streamEvent(streamArn, table('NEW_AND_OLD_IMAGES'), change).Records[0]?.dynamodb;
    expect(both?.OldImage?.status).toEqual({ S: 'PLACED' });
    expect(both?.NewImage?.status).toEqual({ S: 'CANCELLED' });
    const newOnly = streamEvent(streamArn, table('NEW_IMAGE'), change).Records[0]?.dynamodb;
    expect(newOnly).toHaveProperty('NewImage');
    expect(newOnly).not.toHaveProperty('OldImage');
    const keysOnly = streamEvent(streamArn, table('KEYS_ONLY'), change).Records[0]?.dynamodb;
    expect(keysOnly).not.toHaveProperty('NewImage');
    expect(keysOnly).not.toHaveProperty('OldImage');
    expect(keysOnly?.Keys).toEqual({ pk: { S: 'ORDER#1' }, sk: { S: 'ORDER' } });
  });

  it('is a REMOVE with the old image only', () => {
    const record = streamEvent(streamArn, table('NEW_AND_OLD_IMAGES'), {
      eventName: 'REMOVE',
      oldImage: order,
    }).Records[0];
    expect(record?.eventName).toBe('REMOVE');
    expect(record?.dynamodb).not.toHaveProperty('NewImage');
    expect(record?.dynamodb.OldImage?.status).toEqual({ S: 'PLACED' });
  });

  it("makes an image not given the item's key, typed as the table declares it", () => {
    const numbered: StreamTableListing = { ...table('NEW_AND_OLD_IMAGES'), keyTypes: { pk: 'S', sk: 'N' } };
    const insert = streamEvent(streamArn, numbered, { eventName: 'INSERT' }).Records[0];
    expect(insert?.dynamodb.Keys).toEqual({ pk: { S: 'sample' }, sk: { N: '1' } });
    expect(insert?.dynamodb.NewImage).toEqual(insert?.dynamodb.Keys);
    const modify = streamEvent(streamArn, table('NEW_AND_OLD_IMAGES'), {
      eventName: 'MODIFY',
      newImage: cancelled,
    }).Records[0];
    expect(modify?.dynamodb.OldImage).toEqual({ pk: { S: 'ORDER#1' }, sk: { S: 'ORDER' } });
  });

  it('refuses an image without the key, images of two items, and an image the change cannot have', () => {
    const orders = table('NEW_AND_OLD_IMAGES');
    expect(() =>
      streamEvent(streamArn, orders, { eventName: 'INSERT', newImage: { pk: 'ORDER#1' } }),
    ).toThrow("The image lacks the orders table's key attribute sk.");
    expect(() =>
      streamEvent(streamArn, orders, {
        eventName: 'MODIFY',
        oldImage: order,
        newImage: { ...order, pk: 'ORDER#2' },
      }),
    ).toThrow(/their keys differ/);
    expect(() => streamEvent(streamArn, orders, { eventName: 'INSERT', oldImage: order })).toThrow(
      'An INSERT has no old image.',
    );
    expect(() => streamEvent(streamArn, orders, { eventName: 'REMOVE', newImage: order })).toThrow(
      'A REMOVE has no new image.',
    );
  });
});
