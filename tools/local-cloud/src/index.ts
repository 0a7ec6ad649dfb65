/**
 * The local cloud as a library: what `npm start` runs, for tools that need the platform on this
 * machine (the contract suite's in-process target, benchmarks).
 *
 * @example
 * ```ts
 * import { findSeedFiles, seed, startLocalCloud } from '@slice/local-cloud';
 *
 * const cloud = await startLocalCloud({ root: workspaceRoot, port: 0 });
 * await seed(cloud.url, findSeedFiles(workspaceRoot), (role) =>
 *   cloud.token({ sub: `demo-${role}`, groups: [role] }),
 * );
 * // … cloud.url is the local domain …
 * await cloud.stop();
 * ```
 */
export * from './cloud';
export * from './seed';
