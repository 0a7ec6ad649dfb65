/** `npm run projects`: every project with its scope, type and owners. */
import { ownersOf } from '../codeowners.ts';
import { readProjects } from '../projects.ts';

const projects = await readProjects();
const rows = projects.map((project) => {
  const tag = (prefix: string) => project.tags.find((t) => t.startsWith(prefix)) ?? '(missing)';
  let owners: string;
  try {
    owners = ownersOf(project).join(' ');
  } catch {
    owners = '(no team)';
  }
  return [project.name, project.root, tag('scope:'), tag('type:'), owners];
});
const header = ['project', 'root', 'scope', 'type', 'owners'];
const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => (row[i] ?? '').length)));
for (const row of [header, ...rows]) {
  console.log(
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}
