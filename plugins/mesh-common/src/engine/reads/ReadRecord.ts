/*
 * What one resolution read, query by query, so that a data layer can tell
 * from the reads themselves (never from a restatement of the resolver's
 * rules) which changed objects concern a resolved chain, and which objects a
 * direct read still has to fetch.
 */
import type { KubeObject } from '../kube/KubeObject';
import {
  formatLabelSelector,
  LabelSelector,
  selectorMatches,
} from '../kube/labelSelector';
import type { WatchedKind } from '../kube/watchedKinds';
import { keyAnswers, LookupName, LOOKUPS } from './lookups';

/**
 * One read of a snapshot: `get` one object, `list` a kind (in a namespace or
 * all), `select` by label selector, or `lookup` in an index by key.
 *
 * @public
 */
export type ReadQuery =
  | { read: 'get'; kind: WatchedKind; namespace: string; name: string }
  | { read: 'list'; kind: WatchedKind; namespace?: string }
  | {
      read: 'select';
      kind: WatchedKind;
      namespace?: string;
      selector: LabelSelector;
    }
  | {
      read: 'lookup';
      kind: WatchedKind;
      lookup: LookupName;
      key: string;
      clusterDomain: string;
    };

/**
 * A stable text for a query, equal for equal queries.
 *
 * @public
 */
function queryId(query: ReadQuery): string {
  switch (query.read) {
    case 'get':
      return `get ${query.kind} ${query.namespace}/${query.name}`;
    case 'list':
      return `list ${query.kind} ${query.namespace ?? '*'}`;
    case 'select':
      return `select ${query.kind} ${
        query.namespace ?? '*'
      } ${formatLabelSelector(query.selector)}`;
    default:
      return `lookup ${query.lookup} ${query.clusterDomain} ${query.key}`;
  }
}

/**
 * Whether an object of the query's kind, in one of its versions (before or
 * after a change), could be part of the query's answer: a change to such an
 * object may change what the query returns.
 *
 * @public
 */
export function queryConcerns(query: ReadQuery, obj: KubeObject): boolean {
  const namespace = obj.metadata?.namespace ?? '';
  switch (query.read) {
    case 'get':
      return query.namespace === namespace && query.name === obj.metadata?.name;
    case 'list':
      return query.namespace === undefined || query.namespace === namespace;
    case 'select':
      return (
        (query.namespace === undefined || query.namespace === namespace) &&
        selectorMatches(query.selector, obj.metadata?.labels)
      );
    default: {
      const definition = LOOKUPS[query.lookup];
      return definition
        .keysOf(obj, query.clusterDomain)
        .some(k => keyAnswers(definition, k, query.key));
    }
  }
}

/**
 * The queries of one resolution, deduplicated, grouped by kind.
 *
 * @public
 */
export class ReadRecord {
  /** The ids of the queries, to add each once; made again after `trim`. */
  private ids?: Set<string>;
  private readonly byKind = new Map<WatchedKind, ReadQuery[]>();

  /** Adds a query (once). */
  add(query: ReadQuery): void {
    this.ids ??= new Set(this.queries.map(queryId));
    const id = queryId(query);
    if (this.ids.has(id)) {
      return;
    }
    this.ids.add(id);
    const list = this.byKind.get(query.kind);
    if (list) {
      list.push(query);
    } else {
      this.byKind.set(query.kind, [query]);
    }
  }

  /**
   * Lets go of what only recording needs, for a record kept after it:
   * the query ids (a text per query) and the spare room of the lists.
   */
  trim(): void {
    this.ids = undefined;
    for (const [kind, list] of this.byKind) {
      this.byKind.set(kind, list.slice());
    }
  }

  /** Every query, grouped by kind in the order they were first made. */
  get queries(): ReadQuery[] {
    return [...this.byKind.values()].flat();
  }

  /** How many distinct queries were made. */
  get size(): number {
    let size = 0;
    for (const list of this.byKind.values()) {
      size += list.length;
    }
    return size;
  }

  /** Whether any query read this kind. */
  readsKind(kind: WatchedKind): boolean {
    return this.byKind.has(kind);
  }

  /**
   * Whether a change to an object of `kind` (given as its versions before
   * and after; either may be absent) may change what was read.
   */
  concerns(
    kind: WatchedKind,
    versions: ReadonlyArray<KubeObject | undefined>,
  ): boolean {
    const queries = this.byKind.get(kind);
    if (!queries) {
      return false;
    }
    return versions.some(
      obj => obj !== undefined && queries.some(q => queryConcerns(q, obj)),
    );
  }
}
