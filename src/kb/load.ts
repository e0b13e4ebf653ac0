/**
 * Loads models/kb/ into memory and validates every file against src/kb/schema.ts.
 * Synchronous on purpose: it runs once at start-up (main thread and each worker) before anything is served.
 * The returned object is treated as immutable by everyone who holds it.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import {
  FindingsFile, ConditionsFile, RedFlagsFile, DrugsFile, DrugClassesFile, AllergyGroupsFile, InteractionsFile, QualifiersFile,
  type FindingT, type ConditionT, type RedFlagT, type DrugT, type DrugClassT, type AllergyGroupT, type InteractionPairT,
  type ClassRuleT, type QualifiersT,
} from './schema.ts';

export const DEFAULT_KB_DIR = process.env.EDGE_DDX_KB_DIR ?? fileURLToPath(new URL('../../models/kb/', import.meta.url));

export interface KnowledgeBase {
  dir: string;
  findings: FindingT[];
  conditions: ConditionT[];
  redFlags: RedFlagT[];
  drugs: DrugT[];
  drugClasses: DrugClassT[];
  allergyGroups: AllergyGroupT[];
  interactions: InteractionPairT[];
  classRules: ClassRuleT[];
  qualifiers: QualifiersT;
  /** file each entry came from, for error messages of kb:check */
  origin: Map<object, string>;
}

export class KbInvalidError extends Error {
  constructor(readonly problems: string[]) {
    super(`Knowledge base is invalid (${problems.length} problem(s)):\n  ${problems.slice(0, 30).join('\n  ')}`);
  }
}

const checkers = new Map<TSchema, ReturnType<typeof TypeCompiler.Compile>>();
function validate<T>(schema: TSchema, value: unknown, file: string, problems: string[]): value is T {
  let c = checkers.get(schema);
  if (!c) { c = TypeCompiler.Compile(schema); checkers.set(schema, c); }
  if (c.Check(value)) return true;
  for (const e of [...c.Errors(value)].slice(0, 10)) problems.push(`${file}: ${e.path || '/'} ${e.message}`);
  return false;
}

function jsonFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f));
}

function readJson(file: string, problems: string[]): unknown {
  try { return JSON.parse(readFileSync(file, 'utf8')); } catch (e) {
    problems.push(`${file}: not valid JSON (${(e as Error).message})`);
    return undefined;
  }
}

/** Loads and schema-checks the knowledge base. Throws KbInvalidError when a file does not match its schema. */
export function loadKnowledgeBase(dir: string = DEFAULT_KB_DIR): KnowledgeBase {
  const problems: string[] = [];
  const origin = new Map<object, string>();
  const rel = (f: string) => relative(dir, f);
  const kb: KnowledgeBase = {
    dir, findings: [], conditions: [], redFlags: [], drugs: [], drugClasses: [], allergyGroups: [], interactions: [], classRules: [],
    qualifiers: undefined as unknown as QualifiersT, origin,
  };
  const each = <F, E extends object>(sub: string, schema: TSchema, pick: (f: F) => E[], into: E[]) => {
    for (const file of jsonFiles(join(dir, sub))) {
      const data = readJson(file, problems);
      if (data === undefined || !validate<F>(schema, data, rel(file), problems)) continue;
      for (const e of pick(data)) { into.push(e); origin.set(e, rel(file)); }
    }
  };
  each<{ findings: FindingT[] }, FindingT>('findings', FindingsFile, (f) => f.findings, kb.findings);
  each<{ conditions: ConditionT[] }, ConditionT>('conditions', ConditionsFile, (f) => f.conditions, kb.conditions);
  each<{ red_flags: RedFlagT[] }, RedFlagT>('red-flags', RedFlagsFile, (f) => f.red_flags, kb.redFlags);
  each<{ drugs: DrugT[] }, DrugT>('drugs', DrugsFile, (f) => f.drugs, kb.drugs);
  each<{ pairs: InteractionPairT[] }, InteractionPairT>('interactions', InteractionsFile, (f) => f.pairs, kb.interactions);
  each<{ class_rules?: ClassRuleT[] }, ClassRuleT>('interactions', InteractionsFile, (f) => f.class_rules ?? [], kb.classRules);

  const single = <F>(name: string, schema: TSchema): F | undefined => {
    const file = join(dir, name);
    if (!existsSync(file)) { problems.push(`${name}: missing`); return undefined; }
    const data = readJson(file, problems);
    return data !== undefined && validate<F>(schema, data, name, problems) ? data : undefined;
  };
  kb.drugClasses = single<{ classes: DrugClassT[] }>('drug-classes.json', DrugClassesFile)?.classes ?? [];
  kb.allergyGroups = single<{ groups: AllergyGroupT[] }>('allergy-groups.json', AllergyGroupsFile)?.groups ?? [];
  const q = single<QualifiersT>('qualifiers.json', QualifiersFile);
  if (q) kb.qualifiers = q;

  if (problems.length) throw new KbInvalidError(problems);
  return kb;
}
