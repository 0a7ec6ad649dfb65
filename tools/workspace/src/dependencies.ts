/** The parts of a package.json the dependency policy reads. */
export interface PackageJson {
  readonly name?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
}

const sections = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

/**
 * Checks the single-version policy: every external dependency is declared once, in the root
 * package.json, at an exact version (the lockfile pins the rest), and every `nx` and `@nx/*`
 * package is on the same version.
 *
 * @param root the root package.json
 * @param workspaces each workspace package.json with the folder it lives in
 * @returns one readable problem per violation
 * @example
 * ```ts
 * checkDependencyPolicy({ devDependencies: { nx: '23.2.1', '@nx/js': '23.1.0' } }, []);
 * // ['nx and @nx/* must share one version; found nx@23.2.1, @nx/js@23.1.0']
 * ```
 */
export function checkDependencyPolicy(
  root: PackageJson,
  workspaces: ReadonlyArray<{ readonly folder: string; readonly manifest: PackageJson }>,
): string[] {
  const problems: string[] = [];
  const declared = sections.flatMap((section) => Object.entries(root[section] ?? {}));

  for (const [name, version] of declared) {
    if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) {
      problems.push(`root package.json: ${name}@${version} must be an exact version.`);
    }
  }

  const nxPackages = declared.filter(([name]) => name === 'nx' || name.startsWith('@nx/'));
  if (new Set(nxPackages.map(([, version]) => version)).size > 1) {
    const found = nxPackages.map(([name, version]) => `${name}@${version}`).join(', ');
    problems.push(`nx and @nx/* must share one version; found ${found}`);
  }

  for (const { folder, manifest } of workspaces) {
    for (const section of sections) {
      const external = Object.keys(manifest[section] ?? {}).filter((name) => !name.startsWith('@slice/'));
      if (external.length > 0) {
        problems.push(
          `${folder}/package.json declares ${external.join(', ')} in ${section}; declare them once in the root package.json.`,
        );
      }
    }
  }
  return problems;
}
