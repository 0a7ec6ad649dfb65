import type { WebSocketApiSpec } from '../../src/model';
import { bodyPathOf, selectionKey, selectRoute } from '../../src/services/websocket-api';

const route = (routeKey: string) => ({
  id: routeKey,
  routeKey,
  authorizationType: 'NONE' as const,
  twoWay: false,
});
const api = (keys: readonly string[]): WebSocketApiSpec => ({
  id: 'abcdefghij',
  stackName: 'SliceTracking-dev',
  logicalId: 'Api',
  name: 'Api',
  region: 'eu-west-1',
  routeSelectionExpression: '$request.body.action',
  routes: keys.map(route),
  authorizers: [],
  stages: [{ name: 'dev', variables: {} }],
  domains: [],
});

describe('route selection', () => {
  it('reads the route key at the expression path of a JSON body', () => {
    expect(selectionKey('$request.body.action', '{"action":"track","orderId":"o-1"}')).toBe('track');
    expect(selectionKey('${request.body.message.type}', '{"message":{"type":"ping"}}')).toBe('ping');
    expect(selectionKey('$request.body.n', '{"n":3}')).toBe('3');
  });

  it('selects no key for a body that is not JSON, lacks the property or holds no string there', () => {
    expect(selectionKey('$request.body.action', 'hello')).toBeUndefined();
    expect(selectionKey('$request.body.action', '{"other":1}')).toBeUndefined();
    expect(selectionKey('$request.body.action', '{"action":{"nested":true}}')).toBeUndefined();
    expect(selectionKey('$request.body.action', '["action"]')).toBeUndefined();
    expect(selectionKey('$request.body.action', undefined)).toBeUndefined();
  });

  it('reads __proto__ as an ordinary property name', () => {
    expect(selectionKey('$request.body.__proto__', '{"__proto__":"x"}')).toBe('x');
    expect(selectionKey('$request.body.constructor', '{}')).toBeUndefined();
  });

  it('knows only $request.body expressions', () => {
    expect(bodyPathOf('$request.body.action')).toEqual(['action']);
    expect(bodyPathOf('$request.header.x')).toBeUndefined();
  });

  it('takes the route of the key, else $default, else none', () => {
    const withDefault = api(['$connect', '$default', 'track']);
    expect(selectRoute(withDefault, '{"action":"track"}')?.routeKey).toBe('track');
    expect(selectRoute(withDefault, '{"action":"unknown"}')?.routeKey).toBe('$default');
    expect(selectRoute(withDefault, 'binary or text')?.routeKey).toBe('$default');
    expect(selectRoute(api(['track']), '{"action":"unknown"}')).toBeUndefined();
  });

  it('never selects $connect or $disconnect from a message', () => {
    expect(selectRoute(api(['$connect', '$disconnect', '$default']), '{"action":"$connect"}')?.routeKey).toBe(
      '$default',
    );
  });
});
