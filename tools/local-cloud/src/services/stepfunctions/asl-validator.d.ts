// asl-validator ships no type declarations: the part Slice calls.
declare module 'asl-validator' {
  interface AslValidatorError {
    readonly 'Error code': string;
    readonly Message: string;
  }
  interface AslValidatorResult {
    readonly isValid: boolean;
    readonly errors: readonly AslValidatorError[];
  }
  function aslValidator(
    definition: unknown,
    options?: { readonly checkPaths?: boolean; readonly checkArn?: boolean },
  ): AslValidatorResult;
  export = aslValidator;
}
