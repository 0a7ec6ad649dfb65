import { evaluateIntrinsic } from '../../src/services/stepfunctions/expressions/intrinsics';
import { evaluateJsonataTemplate } from '../../src/services/stepfunctions/expressions/jsonata';
import type { PathScope } from '../../src/services/stepfunctions/expressions/jsonpath';
import type { Json } from '../../src/services/stepfunctions';
import { thrown } from './fixtures';

const scope = (input: Json, variables: Record<string, Json> = {}): PathScope => ({
  input,
  context: { Execution: { Name: 'run-1' } },
  variable: (name) => variables[name],
});

const run = (text: string, input: Json = {}, variables?: Record<string, Json>) =>
  evaluateIntrinsic(text, scope(input, variables));

describe('intrinsic functions', () => {
  it.each<[string, Json, Json]>([
    ["States.Format('Hello, {} of {}!', $.name, $$.Execution.Name)", { name: 'Ana' }, 'Hello, Ana of run-1!'],
    ["States.Format('\\{\\} {}', $.n)", { n: [1] }, '{} [1]'],
    ['States.StringToJson($.text)', { text: '{"a":1}' }, { a: 1 }],
    ['States.JsonToString($.o)', { o: { a: [1, 'x'] } }, '{"a":[1,"x"]}'],
    ["States.Array('a', 1, true, null, $.x)", { x: { y: 2 } }, ['a', 1, true, null, { y: 2 }]],
    ['States.ArrayPartition($.a, 2)', { a: [1, 2, 3, 4, 5] }, [[1, 2], [3, 4], [5]]],
    ['States.ArrayContains($.a, $.v)', { a: [{ k: 1 }, 2], v: { k: 1 } }, true],
    ['States.ArrayRange(1, 9, 3)', {}, [1, 4, 7]],
    ['States.ArrayGetItem($.a, 1)', { a: ['x', 'y'] }, 'y'],
    ['States.ArrayLength($.a)', { a: [1, 2, 3] }, 3],
    ['States.ArrayUnique($.a)', { a: [1, 2, 1, { b: 1 }, { b: 1 }] }, [1, 2, { b: 1 }]],
    ["States.Base64Encode('Data to encode')", {}, 'RGF0YSB0byBlbmNvZGU='],
    ["States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", {}, 'Data to encode'],
    ["States.Hash('input data', 'SHA-1')", {}, 'aaff4a450a104cd177d28d18d74485e8cae074b7'],
    [
      'States.JsonMerge($.a, $.b, false)',
      { a: { x: 1, n: { p: 1 } }, b: { n: { q: 2 } } },
      { x: 1, n: { q: 2 } },
    ],
    ['States.MathAdd($.n, -3)', { n: 10 }, 7],
    ["States.StringSplit('a,b;;c', ',;')", {}, ['a', 'b', 'c']],
    ["States.Format('{}', States.MathAdd($count, 1))", {}, '42'],
  ])('%s', (text, input, expected) => {
    expect(run(text, input, { count: 41 })).toEqual(expected);
  });

  it('answers a random integer in [start, end) and a version 4 UUID', () => {
    const value = run('States.MathRandom(1, 3)');
    expect([1, 2]).toContain(value);
    expect(run('States.UUID()')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it.each([
    ["States.Format('{} {}', 1)", /more \{\} than arguments/],
    ['States.ArrayGetItem($.a, 5)', /out of bounds/],
    ["States.StringToJson('nope')", /JSON text/],
    ['States.Nope(1)', /not supported/],
    ["States.Format('x'", /Expected ',' or '\)'/],
  ])('fails %s with States.IntrinsicFailure', (text, message) => {
    expect(thrown(() => run(text, { a: [] }))).toMatchObject({
      error: 'States.IntrinsicFailure',
      message: expect.stringMatching(message),
    });
  });
});

describe('the JSONata functions Step Functions adds', () => {
  const evaluate = (expression: string) =>
    evaluateJsonataTemplate(
      `{% ${expression} %}`,
      { states: { input: {}, context: {} }, variables: {} },
      'Output',
    );

  it.each<[string, Json]>([
    ['$partition([1, 2, 3], 2)', [[1, 2], [3]]],
    ['$range(0, 10, 5)', [0, 5, 10]],
    ["$hash('input data', 'SHA-1')", 'aaff4a450a104cd177d28d18d74485e8cae074b7'],
    ['$parse(\'{"a":[1]}\').a[0]', 1],
    ['$random() < 1', true],
    ['$length($uuid())', 36],
  ])('%s', async (expression, expected) => {
    expect(await evaluate(expression)).toEqual(expected);
  });

  it('leaves out $eval, as Step Functions does', async () => {
    await expect(evaluate("$eval('1 + 1')")).rejects.toMatchObject({ error: 'States.QueryEvaluationError' });
  });
});
