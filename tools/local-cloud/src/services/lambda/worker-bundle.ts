import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

let workerFile: Promise<string> | undefined;

/**
 * The worker (`worker.ts`) bundled to plain JavaScript once per process, in the OS temporary
 * folder: Node would otherwise strip its types at every cold start, which costs more than the rest
 * of the start.
 *
 * @example
 * ```ts
 * const file = await bundledWorker(); // …/slice-local-cloud/lambda-worker-<hash>.mjs
 * ```
 */
export function bundledWorker(): Promise<string> {
  workerFile ??= (async () => {
    const { outputFiles } = await build({
      entryPoints: [join(__dirname, 'worker.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      write: false,
      logLevel: 'silent',
    });
    const code = outputFiles[0]?.text;
    if (code === undefined) throw new Error('Bundling the Lambda worker produced no output.');
    const dir = join(tmpdir(), 'slice-local-cloud');
    const file = join(
      dir,
      `lambda-worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`,
    );
    if (!existsSync(file)) {
      await mkdir(dir, { recursive: true });
      // Written aside and renamed: other processes may be starting the same worker.
      const partial = `${file}.${process.pid}.${randomUUID()}`;
      await writeFile(partial, code);
      await rename(partial, file);
    }
    return file;
  })();
  workerFile.catch(() => (workerFile = undefined));
  return workerFile;
}
