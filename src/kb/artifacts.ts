/**
 * Where the built models live and how they are tied to the knowledge base they were built from.
 * models/build/manifest.json records the hash of every knowledge-base file; the runtime refuses stale
 * artifacts, so an edit to the knowledge base cannot ship with old models.
 */
import { CALIBRATION } from '../../models/calibration.ts';
import type { ModelParams } from '../actors/matcher/model.ts';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUILD_DIR = process.env.EDGE_DDX_BUILD_DIR ?? fileURLToPath(new URL('../../models/build/', import.meta.url));
export const MANIFEST_FILE = join(BUILD_DIR, 'manifest.json');
/** Bumped whenever the build's code changes what it writes. */
export const BUILD_FORMAT = 4;

export interface Manifest {
  format: number;
  kbHash: string;
  findingIds: string[];
  conditionIds: string[];
  params: ModelParams & { semanticWeight: number };
  encoder: { buckets: number; dims: number; ngram: number; seed: number };
  phrases: { finding: string; phrase: string }[];
  files: Record<string, string>;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? listFiles(p) : f.endsWith('.json') ? [p] : [];
  });
}

/** sha256 over the knowledge base's JSON files (path and bytes), in a fixed order, and the fitted model parameters. */
export function kbHash(kbDir: string): string {
  const h = createHash('sha256');
  for (const f of listFiles(kbDir)) { h.update(relative(kbDir, f)); h.update('\0'); h.update(readFileSync(f)); h.update('\0'); }
  h.update(`format:${BUILD_FORMAT}`);
  // the fitted parameters are compiled into the model too: changing them makes the artifacts stale
  h.update(JSON.stringify({ model: CALIBRATION.model, semanticWeight: CALIBRATION.semanticWeight }));
  return h.digest('hex');
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function readManifest(): Manifest | undefined {
  if (!existsSync(MANIFEST_FILE)) return undefined;
  return JSON.parse(readFileSync(MANIFEST_FILE, 'utf8')) as Manifest;
}

/** Throws when the built artifacts are missing or were built from another knowledge base. */
export function assertFreshArtifacts(kbDir: string): Manifest {
  const m = readManifest();
  if (!m) throw new Error('Model artifacts are missing: run `npm run models:build`.');
  if (m.format !== BUILD_FORMAT || m.kbHash !== kbHash(kbDir)) throw new Error('Model artifacts are stale for this knowledge base: run `npm run models:build`.');
  for (const [name, hash] of Object.entries(m.files)) {
    const p = join(BUILD_DIR, name);
    if (!existsSync(p) || sha256File(p) !== hash) throw new Error(`Model artifact ${name} is missing or altered: run \`npm run models:build\`.`);
  }
  return m;
}
