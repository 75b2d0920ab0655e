import DataLoader from 'dataloader';

/**
 * Per-request batching of relations (the N+1 fix). A resolver asks for `requestLoader(ctx, 'release.actions', batch)`
 * and calls `.load(id)`; every load of the same name made while one level of the response resolves is sent to
 * `batch` as one list, so a nested query costs one SQL query per relation and level, not one per row.
 *
 * The loaders live on the GraphQL context object, which is new for each request, so nothing is shared between
 * requests or users. They batch but do not cache: a mutation that changes a release and then resolves its actions
 * reads them fresh, and duplicates within a batch are the batch function's to fold (see `groupRows`).
 */
const LOADERS = Symbol('marquee.requestLoaders');

type WithLoaders = { [LOADERS]?: Map<string, DataLoader<unknown, unknown>> };

export function requestLoader<K, V>(context: object, name: string, batch: (keys: readonly K[]) => Promise<V[]>): DataLoader<K, V> {
  const ctx = context as WithLoaders;
  const loaders = (ctx[LOADERS] ??= new Map());
  let loader = loaders.get(name) as DataLoader<K, V> | undefined;
  if (!loader) {
    loader = new DataLoader<K, V>(batch, { cache: false, maxBatchSize: 1000 });
    loaders.set(name, loader as DataLoader<unknown, unknown>);
  }
  return loader;
}

/** Groups rows under the keys asked for, in the keys' order (a key without rows gets []). */
export function groupRows<K, R>(keys: readonly K[], rows: R[], keyOf: (row: R) => K): R[][] {
  const by = new Map<K, R[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = by.get(k);
    if (list) list.push(r);
    else by.set(k, [r]);
  }
  return keys.map((k) => by.get(k) ?? []);
}

/** The row for each key, in the keys' order (null when there is none). */
export function rowByKey<K, R>(keys: readonly K[], rows: R[], keyOf: (row: R) => K): (R | null)[] {
  const by = new Map<K, R>();
  for (const r of rows) by.set(keyOf(r), r);
  return keys.map((k) => by.get(k) ?? null);
}
