/** The real knowledge base, compiled once per test process. */
import { loadKnowledgeBase } from '../../src/kb/load.ts';
import { compileKb, editDistanceAtMost, normalizeText, resolveDrug, type CompiledKb } from '../../src/kb/compile.ts';

let cached: CompiledKb | undefined;
export function realKb(): CompiledKb {
  cached ??= compileKb(loadKnowledgeBase());
  return cached;
}

/**
 * The catalogue drug a dataset name denotes. resolveDrug's answer is kept when the whole name is one of the
 * drug's listed names, or one edit from its own name, id, synonyms or brands (a typo in the data).
 * Otherwise it is reported and the name counts as not in the catalogue: resolveDrug also matches one word
 * inside a longer name and neighbours of listed misspellings, which maps drugs we lack onto drugs we have
 * (Terfenadine → terbinafine).
 */
export function catalogueDrug(ckb: CompiledKb, name: string): { id?: string; misresolved?: string } {
  const norm = normalizeText(name.replace(/_/g, ' ')).trim();
  if (!norm) return {};
  const id = resolveDrug(ckb, norm);
  if (!id) return {};
  if (ckb.drugByName.get(norm) === id) return { id };
  const d = ckb.drugById.get(id)!;
  const own = [d.id, d.id.replace(/_/g, ' '), d.name, ...((d as { synonyms?: string[] }).synonyms ?? []), ...d.brands].map((x) => normalizeText(x).trim());
  return own.some((x) => editDistanceAtMost(norm, x, 1)) ? { id } : { misresolved: id };
}
