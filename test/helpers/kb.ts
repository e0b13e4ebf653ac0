/** The real knowledge base, compiled once per test process. */
import { loadKnowledgeBase } from '../../src/kb/load.ts';
import { compileKb, type CompiledKb } from '../../src/kb/compile.ts';

let cached: CompiledKb | undefined;
export function realKb(): CompiledKb {
  cached ??= compileKb(loadKnowledgeBase());
  return cached;
}
