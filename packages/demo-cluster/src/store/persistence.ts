/*
 * The state file: every object and the resourceVersion counter, written
 * atomically (temporary file + rename) shortly after changes and on stop,
 * so a demo cluster survives a restart.
 */
import fs from 'fs';
import path from 'path';
import { findByKind, ResourceType } from '../api/resources';
import type { KubeObject } from '../types';
import type { Store } from './Store';

interface StateFile {
  kind: 'DemoClusterState';
  version: 1;
  cluster: string;
  resourceVersion: number;
  savedAt: string;
  objects: KubeObject[];
}

/** Reads a state file; `undefined` when it does not exist. */
export function readState(file: string):
  | {
      resourceVersion: number;
      items: Array<{ type: ResourceType; object: KubeObject }>;
    }
  | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let state: StateFile;
  try {
    state = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `The demo cluster state file ${file} is not valid JSON (${
        (error as Error).message
      }); delete it to start from the scenario again`,
    );
  }
  if (
    state?.kind !== 'DemoClusterState' ||
    state.version !== 1 ||
    !Array.isArray(state.objects)
  ) {
    throw new Error(
      `${file} is not a demo cluster state file (kind DemoClusterState, version 1); delete it to start from the scenario again`,
    );
  }
  const items: Array<{ type: ResourceType; object: KubeObject }> = [];
  for (const object of state.objects) {
    const type = findByKind(object.apiVersion, object.kind);
    if (type) items.push({ type, object });
  }
  return { resourceVersion: state.resourceVersion, items };
}

export class StatePersister {
  private timer?: NodeJS.Timeout;
  private dirty = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    private readonly file: string,
    private readonly cluster: string,
    private readonly debounceMs = 500,
  ) {
    this.unsubscribe = store.subscribe(() => this.changed());
  }

  private changed() {
    this.dirty = true;
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.debounceMs);
      this.timer.unref();
    }
  }

  /** Writes the state now if anything changed (or `force`). */
  flush(force = false) {
    if (!this.dirty && !force) return;
    this.dirty = false;
    const objects: string[] = [];
    for (const { object } of this.store.all())
      objects.push(JSON.stringify(object));
    const head = JSON.stringify({
      kind: 'DemoClusterState',
      version: 1,
      cluster: this.cluster,
      resourceVersion: this.store.resourceVersion,
      savedAt: new Date().toISOString(),
    });
    const body = `${head.slice(0, -1)},"objects":[\n${objects.join(
      ',\n',
    )}\n]}\n`;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, body);
    fs.renameSync(tmp, this.file);
  }

  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.unsubscribe();
    this.flush();
  }
}
