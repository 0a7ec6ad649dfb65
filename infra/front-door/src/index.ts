export * from './composition';
export * from './front-door-stack';
export * from './routing';
