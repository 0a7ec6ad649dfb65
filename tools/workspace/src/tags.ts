import { projectTypes, scopes, type ProjectType } from './boundaries.ts';

/** What the workspace checks need to know about a project. */
export interface ProjectInfo {
  readonly name: string;
  readonly root: string;
  readonly tags: readonly string[];
}

/** Where each kind of project lives; a project elsewhere, or of another type there, is a mistake. */
const typeByFolder: ReadonlyArray<readonly [RegExp, readonly ProjectType[]]> = [
  [/^apps\/[^/]+$/, ['app']],
  [/^libs\/contracts\/[^/]+$/, ['contract']],
  [/^libs\/[^/]+$/, ['lib', 'contract', 'cdk', 'testing']],
  [/^infra(\/[^/]+)?$/, ['infra']],
  [/^tools\/[^/]+$/, ['tool', 'testing']],
];

/**
 * Checks every project's tags against the vocabulary: exactly one `scope:` and one `type:` tag,
 * both known, no other tags, and a type that matches the folder the project lives in.
 *
 * @returns one readable problem per violation; empty when the workspace is in order.
 * @example
 * ```ts
 * checkProjectTags([{ name: 'menu', root: 'apps/menu', tags: ['type:app'] }]);
 * // ['menu (apps/menu): needs exactly one scope: tag, has none. Known scopes: ...']
 * ```
 */
export function checkProjectTags(projects: readonly ProjectInfo[]): string[] {
  return projects.flatMap((project) => problemsOf(project));
}

function problemsOf({ name, root, tags }: ProjectInfo): string[] {
  const where = `${name} (${root})`;
  const problems: string[] = [];
  const scopeTags = tags.filter((tag) => tag.startsWith('scope:'));
  const typeTags = tags.filter((tag) => tag.startsWith('type:'));

  problems.push(...exactlyOne(where, 'scope', scopeTags, scopes));
  problems.push(...exactlyOne(where, 'type', typeTags, projectTypes));

  // Nx adds `npm:*` tags from package.json (`npm:private`); they are facts, not ownership claims.
  const others = tags.filter((tag) => !/^(scope|type|npm):/.test(tag));
  if (others.length > 0) {
    problems.push(`${where}: unknown tags ${others.join(', ')}; only scope: and type: tags carry rules.`);
  }

  const type = typeTags.length === 1 ? typeTags[0]?.slice('type:'.length) : undefined;
  const folder = typeByFolder.find(([pattern]) => pattern.test(root));
  if (!folder) {
    problems.push(
      `${where}: projects live in apps/<name>, libs/<name>, libs/contracts/<name>, infra, infra/<name> or tools/<name>.`,
    );
  } else if (type && !(folder[1] as readonly string[]).includes(type)) {
    problems.push(
      `${where}: a project in ${root} must be type:${folder[1].join(' or type:')}, not type:${type}.`,
    );
  }
  return problems;
}

function exactlyOne(where: string, kind: string, found: string[], known: readonly string[]): string[] {
  const list = known.map((value) => `${kind}:${value}`).join(', ');
  if (found.length !== 1) {
    const has = found.length === 0 ? 'none' : found.join(', ');
    return [`${where}: needs exactly one ${kind}: tag, has ${has}. Known: ${list}.`];
  }
  const [tag] = found;
  if (tag && !known.includes(tag.slice(kind.length + 1))) {
    return [`${where}: ${tag} is not in the vocabulary (tools/workspace/src/boundaries.ts). Known: ${list}.`];
  }
  return [];
}
