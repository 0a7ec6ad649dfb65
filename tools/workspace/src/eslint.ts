/**
 * ESLint flat-config entries generated from the boundary matrix in `boundaries.ts`.
 *
 * @example In `eslint.config.mjs`
 * ```js
 * import { boundaryConfig } from './tools/workspace/src/eslint.ts';
 * export default [...boundaryConfig()];
 * ```
 */
import nx from '@nx/eslint-plugin';
import {
  allowedScopes,
  allowedTypes,
  bannedExternalImports,
  lambdaCode,
  projectTypes,
  scopes,
  testFiles,
} from './boundaries.ts';

/** One constraint of `@nx/enforce-module-boundaries`. */
export interface DepConstraint {
  sourceTag: string;
  onlyDependOnLibsWithTags?: string[];
  notDependOnLibsWithTags?: string[];
  bannedExternalImports?: string[];
}

/**
 * The `depConstraints` of `@nx/enforce-module-boundaries`, one per scope and one per type.
 *
 * @param forTests constraints for test files, which may also import `type:testing` projects
 */
export function depConstraints(forTests = false): DepConstraint[] {
  const byScope = scopes.map((scope) => ({
    sourceTag: `scope:${scope}`,
    onlyDependOnLibsWithTags: allowedScopes(scope),
  }));
  const byType = projectTypes.map((type) => {
    const banned: readonly string[] | undefined = (
      bannedExternalImports as Partial<Record<string, readonly string[]>>
    )[type];
    return {
      sourceTag: `type:${type}`,
      onlyDependOnLibsWithTags: [...new Set([...allowedTypes[type], ...(forTests ? ['testing'] : [])])].map(
        (allowed) => `type:${allowed}`,
      ),
      ...(banned ? { bannedExternalImports: [...banned] } : {}),
    };
  });
  return [...byScope, ...byType];
}

/** Flat-config entries that enforce team ownership and keep the CDK out of Lambda code. */
export function boundaryConfig(): object[] {
  return [
    {
      files: ['**/*.ts', '**/*.mts', '**/*.cts', '**/*.js', '**/*.mjs', '**/*.cjs'],
      plugins: { '@nx': nx },
      rules: {
        '@nx/enforce-module-boundaries': [
          'error',
          {
            enforceBuildableLibDependency: false,
            allow: [],
            depConstraints: depConstraints(),
          },
        ],
      },
    },
    {
      files: [...testFiles],
      rules: {
        '@nx/enforce-module-boundaries': [
          'error',
          { enforceBuildableLibDependency: false, allow: [], depConstraints: depConstraints(true) },
        ],
      },
    },
    {
      files: [...lambdaCode.files],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [{ group: [...lambdaCode.bannedModules], message: lambdaCode.message }],
          },
        ],
      },
    },
  ];
}
