import type { PackageJson } from './dependencies';

/** The fields of the root package.json that carry the Node pin. */
export interface PinnedPackageJson extends PackageJson {
  readonly engines?: { readonly node?: string };
  readonly devEngines?: { readonly packageManager?: { readonly name?: string; readonly version?: string } };
  readonly packageManager?: string;
}

/**
 * Checks that every place tools read the Node version from says the same: `.nvmrc` (nvm, fnm,
 * setup-node's `node-version-file`), the `node` dev dependency the scripts run on and
 * `engines.node` (its major); and that `packageManager` and `devEngines.packageManager` name npm 11.
 * There is no `devEngines.runtime`: npm checks it against the Node that runs npm itself, which only
 * bootstraps the install here (the scripts run on the pinned `node` package).
 *
 * @example
 * ```ts
 * checkNodePin(rootPackageJson, '24.21.0\n'); // [] when they agree
 * ```
 */
export function checkNodePin(root: PinnedPackageJson, nvmrc: string | undefined): string[] {
  const pin = root.devDependencies?.node;
  if (!pin) return ['package.json: the `node` dev dependency (the Node the scripts run on) is missing'];
  const problems: string[] = [];
  if (nvmrc?.trim() !== pin) problems.push(`.nvmrc must say ${pin}, the \`node\` dev dependency`);
  const major = pin.split('.')[0];
  if (!root.engines?.node?.includes(`${major}.`))
    problems.push(`package.json: engines.node must name Node ${major}`);
  if (!/^npm@11\.\d+\.\d+$/.test(root.packageManager ?? '')) {
    problems.push('package.json: packageManager must be npm@11.x.y');
  }
  const manager = root.devEngines?.packageManager;
  if (manager?.name !== 'npm' || !manager.version?.startsWith('^11.')) {
    problems.push('package.json: devEngines.packageManager must be npm ^11');
  }
  return problems;
}
