import { createProjectGraphAsync } from '@nx/devkit';
import type { ProjectInfo } from './tags.ts';

/**
 * Reads every project of the workspace from the Nx project graph, sorted by root.
 *
 * @example
 * ```ts
 * const projects = await readProjects();
 * projects.map((p) => p.name); // ['menu', 'orders', 'workspace', ...]
 * ```
 */
export async function readProjects(): Promise<ProjectInfo[]> {
  const graph = await createProjectGraphAsync({ exitOnError: true });
  return Object.values(graph.nodes)
    .map(({ name, data }) => ({ name, root: data.root, tags: data.tags ?? [] }))
    .sort((a, b) => a.root.localeCompare(b.root));
}
