import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  digestOf,
  type ResultKey,
  type ResultsDestination,
  type StoredResult,
} from './results-destination';

/**
 * Stores each export as `<root>/<request id>/<source system>.json`, readable by the service's
 * user only. The file is written under a temporary name and renamed, so a reader never sees
 * half an export and a crash leaves no torn file behind.
 */
export class DirectoryDestination implements ResultsDestination {
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  async open(): Promise<void> {
    await mkdir(this.#root, { recursive: true, mode: 0o700 });
  }

  async store(key: ResultKey, content: Buffer): Promise<StoredResult> {
    const folder = join(this.#root, encodeURIComponent(key.requestId));
    await mkdir(folder, { recursive: true, mode: 0o700 });

    const target = join(folder, `${encodeURIComponent(key.sourceSystem)}.json`);
    const temporary = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temporary, content, { mode: 0o600 });
    await rename(temporary, target);
    return { digest: digestOf(content), bytes: content.length };
  }

  async close(): Promise<void> {}
}

/** Where the directory destination puts the export of `key`. */
export function exportPath(root: string, key: ResultKey): string {
  return join(
    root,
    encodeURIComponent(key.requestId),
    `${encodeURIComponent(key.sourceSystem)}.json`,
  );
}
