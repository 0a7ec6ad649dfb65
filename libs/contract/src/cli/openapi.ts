/**
 * `npm run openapi`: writes the OpenAPI 3.1 document of every service contract
 * (`libs/contracts/<service>`) to `dist/openapi/<service>.json`, one for the whole domain to
 * `dist/openapi/slice.json`, and the JSON Schemas of each service's events to
 * `dist/openapi/events/<service>.json`; then validates every document with an OpenAPI 3.1 validator.
 * A WebSocket service has no OpenAPI document: its messages' JSON Schemas go to
 * `dist/openapi/sockets/<service>.json`.
 *
 * Contracts are found on disk and loaded dynamically: the kit never imports a team's contract.
 */
import { mkdirSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { Contract } from '../contract';
import { eventJsonSchemas, toDomainOpenApi, toOpenApi, type OpenApiDocument } from '../openapi';
import { socketJsonSchemas, type SocketContract } from '../socket';

const root = process.cwd();
const contractsDir = join(root, 'libs/contracts');
const outDir = join(root, 'dist/openapi');

const isContract = (value: unknown): value is Contract =>
  typeof value === 'object' && value !== null && 'service' in value && 'routes' in value && 'events' in value;

const isSocketContract = (value: unknown): value is SocketContract =>
  typeof value === 'object' && value !== null && 'service' in value && 'accepts' in value && 'sends' in value;

async function loadContracts(): Promise<{ contracts: Contract[]; sockets: SocketContract[] }> {
  const contracts: Contract[] = [];
  const sockets: SocketContract[] = [];
  if (!existsSync(contractsDir)) return { contracts, sockets };
  for (const name of readdirSync(contractsDir).sort()) {
    const entry = join(contractsDir, name, 'src/index.ts');
    if (!existsSync(entry)) continue;
    const module = Object.values((await import(entry)) as Record<string, unknown>);
    const rest = module.filter(isContract);
    const socket = module.filter(isSocketContract);
    if (rest.length + socket.length !== 1) {
      throw new Error(`${entry} must export exactly one contract, found ${rest.length + socket.length}.`);
    }
    contracts.push(...rest);
    sockets.push(...socket);
  }
  return { contracts, sockets };
}

async function main(): Promise<void> {
  const { contracts, sockets } = await loadContracts();
  mkdirSync(join(outDir, 'events'), { recursive: true });
  mkdirSync(join(outDir, 'sockets'), { recursive: true });
  const documents: Array<[string, OpenApiDocument]> = contracts.map((contract) => [
    `${contract.service.name}.json`,
    toOpenApi(contract),
  ]);
  documents.push(['slice.json', toDomainOpenApi(contracts)]);

  const validator = new Validator();
  for (const [file, document] of documents) {
    const result = await validator.validate(document);
    if (!result.valid) {
      throw new Error(
        `${file} is not a valid OpenAPI 3.1 document: ${JSON.stringify(result.errors, null, 2)}`,
      );
    }
    writeFileSync(join(outDir, file), `${JSON.stringify(document, null, 2)}\n`);
  }
  for (const contract of contracts) {
    const schemas = eventJsonSchemas(contract);
    writeFileSync(
      join(outDir, 'events', `${contract.service.name}.json`),
      `${JSON.stringify(schemas, null, 2)}\n`,
    );
  }
  for (const contract of sockets) {
    writeFileSync(
      join(outDir, 'sockets', `${contract.service.name}.json`),
      `${JSON.stringify(socketJsonSchemas(contract), null, 2)}\n`,
    );
  }
  console.log(
    `Wrote ${documents.length} OpenAPI 3.1 documents (${contracts.map((c) => c.service.name).join(', ') || 'no services yet'}) to dist/openapi.`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
