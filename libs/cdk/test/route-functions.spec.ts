import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { functionIdOf, handlerFileOf } from '../src';
import { pizzasContract, pizzasStack } from './support';

const handlers = join(__dirname, 'fixtures/routes');

describe('the names derived from an operation id', () => {
  it('gives the handler file in kebab case and the construct id in Pascal case', () => {
    expect(handlerFileOf('placeOrder')).toBe('place-order');
    expect(handlerFileOf('getMenuItem')).toBe('get-menu-item');
    expect(functionIdOf('getMenuItem')).toBe('GetMenuItem');
  });

  it('refuses a name that is not a camelCase operation id', () => {
    expect(() => handlerFileOf('PlaceOrder')).toThrow('is not a camelCase operation id');
    expect(() => functionIdOf('place-order')).toThrow('is not a camelCase operation id');
  });
});

describe('ServiceStack.routeFunctions', () => {
  it('creates one function per route, with the construct id and entry file its operation id names', () => {
    const { stack } = pizzasStack('dev');

    const routes = stack.routeFunctions(pizzasContract, { handlers });

    expect(Object.keys(routes)).toEqual(['getPizza', 'addPizza', 'retirePizza']);
    expect(routes.addPizza).toBeInstanceOf(lambda.Alias);
    expect(routes.addPizza.aliasName).toBe('live');
    expect(routes.addPizza.version.lambda.node.id).toBe('AddPizza');
    expect(Template.fromStack(stack).findResources('AWS::Lambda::Function')).toHaveProperty([
      stack.getLogicalId(routes.retirePizza.version.lambda.node.defaultChild as lambda.CfnFunction),
    ]);
  });

  it('applies the shared props and configure to every function, and keeps every alias for the rollout', () => {
    const { stack } = pizzasStack('dev');
    const configured: string[] = [];

    stack.routeFunctions(pizzasContract, {
      handlers,
      environment: { TABLE_NAME: 'pizzas' },
      configure: (fn) => configured.push(fn.node.id),
    });
    const changes = stack.handlerFunction('recordPizzaChanges', { handlers });

    expect(configured).toEqual(['GetPizza', 'AddPizza', 'RetirePizza']);
    expect(stack.liveAliases.map((alias) => alias.version.lambda.node.id)).toEqual([
      'GetPizza',
      'AddPizza',
      'RetirePizza',
      'RecordPizzaChanges',
    ]);
    expect(changes.version.lambda.node.id).toBe('RecordPizzaChanges');
    const functions = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    expect(
      functions.filter((fn) => fn.Properties.Environment.Variables.TABLE_NAME === 'pizzas'),
    ).toHaveLength(3);
  });

  it('fails the synth naming the missing handler file', () => {
    const { stack } = pizzasStack('dev');

    expect(() => stack.handlerFunction('bakePizza', { handlers })).toThrow(/bake-pizza\.ts does not exist/);
  });
});
