import cluster from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { metricsRegistry } from './metrics';

/**
 * With API_PROCESSES > 1 the API processes share one port, so a scrape of /metrics reaches one of them at random. Each
 * process therefore asks the cluster primary, which collects every process's registry (prom-client's
 * AggregatorRegistry, over the cluster's IPC channel) and sums them: /metrics always describes the whole machine's API.
 */
const REQUEST = 'marquee:metrics-request';
const REPLY = 'marquee:metrics-reply';

interface Reply {
  type: typeof REPLY;
  id: number;
  text?: string;
  error?: string;
}

let joined = false;
let nextId = 0;
const waiting = new Map<number, (r: Reply) => void>();

/** In an API process of a cluster: lets the primary read this process's metrics. A no-op outside a cluster. */
export function joinMetricsCluster(): void {
  if (!cluster.isWorker || joined) return;
  joined = true;
  AggregatorRegistry.setRegistries([metricsRegistry]);
  // Constructing one installs prom-client's listener that answers the primary's requests.
  new AggregatorRegistry();
  process.on('message', (m: Reply) => {
    if (m?.type !== REPLY) return;
    waiting.get(m.id)?.(m);
    waiting.delete(m.id);
  });
}

export class MetricsUnavailableError extends Error {}

/** What /metrics answers: this process's metrics, or, in a cluster, every API process's metrics summed. */
export async function exposedMetrics(timeoutMs = 7000): Promise<string> {
  if (!cluster.isWorker || !process.send) return metricsRegistry.metrics();
  joinMetricsCluster();
  const id = nextId++;
  const reply = await new Promise<Reply>((resolve) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      resolve({ type: REPLY, id, error: `no answer from the cluster primary within ${timeoutMs} ms` });
    }, timeoutMs);
    waiting.set(id, (r) => {
      clearTimeout(timer);
      resolve(r);
    });
    process.send!({ type: REQUEST, id });
  });
  if (reply.error !== undefined || reply.text === undefined) {
    throw new MetricsUnavailableError(
      `Could not collect the metrics of every API process on this machine (${reply.error ?? 'empty answer'}); one may be restarting or stuck. Scrape again; if it persists, read the API log.`,
    );
  }
  return reply.text;
}

/** In the cluster primary: answers the API processes' requests with the metrics of all of them, summed. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, m: { type?: string; id?: number }) => {
    if (m?.type !== REQUEST || typeof m.id !== 'number') return;
    const id = m.id;
    const answer = (r: Omit<Reply, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: REPLY, id, ...r });
    };
    aggregator.clusterMetrics().then(
      (text) => answer({ text }),
      (e: Error) => answer({ error: e.message }),
    );
  });
}
