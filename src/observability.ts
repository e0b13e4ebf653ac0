/**
 * Logs and metrics. Logs are pino JSON; the engine never passes patient data to the logger, and redaction
 * is a second line of defence for any field that could carry it. Metric labels are routes, agents, pools and
 * status codes only — never anything from a request body.
 */
import pino, { type Logger } from 'pino';
import client from 'prom-client';

const REDACT = [
  'text', 'patient', 'symptoms', 'vitals', 'medications', 'allergies', 'conditions', 'age', 'sex', 'name', 'body',
  '*.text', '*.patient', '*.symptoms', '*.vitals', '*.medications', '*.allergies', '*.conditions', '*.age', '*.sex', '*.name', '*.body',
  'req.headers.authorization', 'headers.authorization',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'edge-ddx' }, redact: { paths: REDACT, censor: '[redacted]' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

export class Metrics {
  readonly registry = new client.Registry();
  readonly httpRequests = new client.Counter({ name: 'edge_ddx_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'method', 'status'] as const, registers: [this.registry] });
  readonly httpLatency = new client.Histogram({ name: 'edge_ddx_http_request_duration_seconds', help: 'HTTP request latency', labelNames: ['route'] as const, buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry] });
  readonly agentLatency = new client.Histogram({ name: 'edge_ddx_agent_duration_seconds', help: 'Agent call latency', labelNames: ['agent'] as const, buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1], registers: [this.registry] });
  readonly agentCalls = new client.Counter({ name: 'edge_ddx_agent_calls_total', help: 'Agent calls by outcome', labelNames: ['agent', 'outcome'] as const, registers: [this.registry] });
  readonly circuitState = new client.Gauge({ name: 'edge_ddx_agent_circuit_state', help: 'Circuit breaker state per agent (0 closed, 1 half-open, 2 open)', labelNames: ['agent'] as const, registers: [this.registry] });
  readonly poolQueue = new client.Gauge({ name: 'edge_ddx_pool_queue_depth', help: 'Tasks waiting in a worker pool', labelNames: ['pool'] as const, registers: [this.registry] });
  readonly poolUtilization = new client.Gauge({ name: 'edge_ddx_pool_utilization', help: 'Worker pool utilisation (0..1)', labelNames: ['pool'] as const, registers: [this.registry] });
  readonly poolThreads = new client.Gauge({ name: 'edge_ddx_pool_threads', help: 'Live worker threads', labelNames: ['pool'] as const, registers: [this.registry] });
  readonly batchSize = new client.Histogram({ name: 'edge_ddx_inference_batch_size', help: 'Rows per inference batch', buckets: [1, 2, 4, 8, 16, 32, 64], registers: [this.registry] });
  readonly storeCommit = new client.Histogram({ name: 'edge_ddx_store_commit_duration_seconds', help: 'Store group-commit latency', buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5], registers: [this.registry] });
  readonly storeCommitBatch = new client.Histogram({ name: 'edge_ddx_store_commit_batch_size', help: 'Sessions per group commit', buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers: [this.registry] });
  readonly wsSessions = new client.Gauge({ name: 'edge_ddx_websocket_sessions', help: 'Open WebSocket sessions', registers: [this.registry] });
  readonly inflight = new client.Gauge({ name: 'edge_ddx_inflight_requests', help: 'Requests being processed', registers: [this.registry] });
  readonly shed = new client.Counter({ name: 'edge_ddx_load_shed_total', help: 'Requests refused with 503 for capacity', labelNames: ['reason'] as const, registers: [this.registry] });

  constructor() { client.collectDefaultMetrics({ register: this.registry, prefix: 'edge_ddx_' }); }
}
