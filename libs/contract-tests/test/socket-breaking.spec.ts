import { defineSocketContract, type SocketMessage } from '@slice/contract';
import * as z from 'zod';
import { compareSocketContracts, publishedSocketOf } from '../src/breaking';

// Examples carry `since`, which the stricter variants require: the base schema strips nothing, so
// it takes `since` as an optional field.
const Follow = z.strictObject({ action: z.literal('follow'), id: z.string(), since: z.string().optional() });
const Update = z.strictObject({ type: z.literal('update'), id: z.string(), state: z.enum(['a', 'b']) });

function socketOf(
  version: string,
  follow: z.ZodObject = Follow,
  update: z.ZodObject = Update,
  extra: Record<string, SocketMessage> = {},
) {
  return publishedSocketOf(
    defineSocketContract({
      service: {
        name: 'pizzas',
        team: 'pizzas',
        subdomain: 'ws',
        version,
        title: 'Pizzas',
        description: 'x',
      },
      accepts: {
        follow: {
          schema: follow,
          summary: 'follow',
          examples: [{ action: 'follow', id: '1', since: 'now' }],
        },
        ...extra,
      },
      sends: {
        update: { schema: update, summary: 'update', examples: [{ type: 'update', id: '1', state: 'a' }] },
      },
    }),
  );
}

describe('compareSocketContracts', () => {
  it('passes an unchanged contract and a new optional field in an accepted message', () => {
    const wider = Follow.extend({ note: z.string().optional() });
    expect(compareSocketContracts(socketOf('1.0.0'), socketOf('1.0.0')).passed).toBe(true);
    expect(compareSocketContracts(socketOf('1.0.0'), socketOf('1.1.0', wider)).breaks).toEqual([]);
  });

  it('flags a removed action, a newly required field and a widened status enum', () => {
    const ping = z.strictObject({ action: z.literal('ping') });
    const before = socketOf('1.0.0', Follow, Update, {
      ping: { schema: ping, summary: 'ping', examples: [{ action: 'ping' }] },
    });
    const stricter = Follow.extend({ since: z.string() });
    const widened = Update.extend({ state: z.enum(['a', 'b', 'c']) });
    const comparison = compareSocketContracts(before, socketOf('1.1.0', stricter, widened));
    expect(comparison.passed).toBe(false);
    expect(comparison.breaks.map((item) => item.change).sort()).toEqual(
      [
        'action removed (clients sending it are refused)',
        'enum widened: c may now be answered',
        'newly required request field',
      ].sort(),
    );
  });

  it('allows a break that comes with a new major version', () => {
    const comparison = compareSocketContracts(
      socketOf('1.0.0'),
      socketOf('2.0.0', Follow.extend({ since: z.string() })),
    );
    expect(comparison).toMatchObject({ majorRaised: true, passed: true });
    expect(comparison.breaks).toHaveLength(1);
  });
});

describe('defineSocketContract', () => {
  it('refuses a message whose key is not its literal action, and an example that does not parse', () => {
    const service = { name: 'p', team: 'p', subdomain: 'ws', version: '1.0.0', title: 'P', description: 'x' };
    expect(() =>
      defineSocketContract({
        service,
        accepts: { track: { schema: Follow, summary: 's', examples: [{ action: 'follow', id: '1' }] } },
        sends: {},
      }),
    ).toThrow("message track needs action: z.literal('track')");
    expect(() =>
      defineSocketContract({
        service,
        accepts: { follow: { schema: Follow, summary: 's', examples: [{ action: 'follow' }] } },
        sends: {},
      }),
    ).toThrow('an example of follow does not match');
  });
});
