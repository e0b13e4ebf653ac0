/**
 * One place that says how the usearch HNSW indexes are configured, so the build script that writes them and
 * the workers that map them agree (a view with other dimensions or metric would read garbage).
 */
import usearch, { MetricKind, ScalarKind } from 'usearch';

export type VectorIndex = InstanceType<typeof usearch.Index>;

export function newCosineIndex(dimensions: number): VectorIndex {
  return new usearch.Index({
    dimensions, metric: MetricKind.Cos, quantization: ScalarKind.F32, connectivity: 16,
    expansion_add: 128, expansion_search: 64, multi: false,
  });
}
