// DynamoDB on dynalite lives in @slice/emulation (the local cloud runs it too); tests keep importing it from here.
export {
  createTable,
  type CreateTableOptions,
  type Dynalite,
  startDynalite,
  type StartDynaliteOptions,
} from '@slice/emulation';
