import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compareContracts,
  compareSocketContracts,
  publishedOf,
  publishedSocketOf,
  type ContractComparison,
  type PublishedContract,
  type PublishedSocketContract,
} from '@slice/contract-tests';
import { serviceContract, socketContracts } from './services';

/** Where a service's published contract is committed. */
export const publishedPath = (service: string) => `libs/contracts/${service}/published/contract.json`;

const sameJson = (text: string, published: PublishedContract | PublishedSocketContract) => {
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(published);
  } catch {
    return false;
  }
};

const git = (root: string, args: string[]): string | undefined => {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
};

/**
 * The commit to compare with: where the branch left `base` (their merge base), trying the local
 * branch and then `origin/<base>`; undefined when neither exists (a clone without it).
 *
 * @example
 * ```ts
 * baseCommit(root, 'main'); // the merge base of HEAD and main (or origin/main)
 * ```
 */
export function baseCommit(root: string, base: string): string | undefined {
  for (const ref of [base, `origin/${base}`]) {
    if (!git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])) continue;
    return git(root, ['merge-base', 'HEAD', ref]) ?? git(root, ['rev-parse', `${ref}^{commit}`]);
  }
  return undefined;
}

/** The outcome of the gate for one service. */
export type GateResult =
  | { readonly service: string; readonly status: 'compared'; readonly comparison: ContractComparison }
  | {
      readonly service: string;
      readonly status: 'stale-snapshot' | 'no-base' | 'new-contract';
      readonly message: string;
    };

/**
 * The breaking-change gate for one service: the committed snapshot must match the contract
 * (so the next comparison is right), and the contract must not break the base's snapshot
 * unless its major version was raised.
 *
 * @example
 * ```ts
 * const result = gate(root, 'menu', 'main');
 * if (result.status === 'compared') console.log(formatComparison(result.comparison));
 * ```
 */
export function gate(root: string, service: string, base: string): GateResult {
  const current = publishedFor(service);
  const path = publishedPath(service);
  const file = join(root, path);
  if (!existsSync(file) || !sameJson(readFileSync(file, 'utf8'), current)) {
    return {
      service,
      status: 'stale-snapshot',
      message: `${path} does not match the contract: run \`npx tsx tools/contract-runner/src/breaking-cli.ts ${service} --write\` and commit it.`,
    };
  }
  const commit = baseCommit(root, base);
  if (!commit)
    return {
      service,
      status: 'no-base',
      message: `No ${base} or origin/${base} to compare with; fetch it (CI: fetch-depth 0).`,
    };
  const before = git(root, ['show', `${commit}:${path}`]);
  if (before === undefined)
    return { service, status: 'new-contract', message: `${path} is new since ${base}: nothing to break.` };
  return {
    service,
    status: 'compared',
    comparison:
      'messages' in current
        ? compareSocketContracts(JSON.parse(before) as PublishedSocketContract, current)
        : compareContracts(JSON.parse(before) as PublishedContract, current),
  };
}

/**
 * The published form of a service's contract: its HTTP contract, or its WebSocket contract
 * (`socketContracts`).
 *
 * @example
 * ```ts
 * publishedFor('tracking'); // { service, messages }
 * ```
 */
export function publishedFor(service: string): PublishedContract | PublishedSocketContract {
  const socket = socketContracts[service];
  return socket ? publishedSocketOf(socket) : publishedOf(serviceContract(service).contract);
}
