export * from './boundaries.ts';
export * from './codeowners.ts';
export * from './dependencies.ts';
export * from './projects.ts';
export * from './tags.ts';
export * from './teams.ts';
