/**
 * The resolved model lives in `../model.ts`, its one home; this module re-exports it for code
 * that reads it as what the assembly loader produces.
 */
export type * from '../model';
