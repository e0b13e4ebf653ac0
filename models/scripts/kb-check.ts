/**
 * npm run kb:check — schema, ids, cross-references, ICD-10-CM codes and synonym collisions of models/kb/.
 * Exits 1 when anything is wrong. ICD-10-CM codes are checked against ../shared/data when it is present.
 */
import { loadKnowledgeBase, KbInvalidError } from '../../src/kb/load.ts';
import { checkKb, kbCounts, loadIcd10Codes } from '../../src/kb/check.ts';

try {
  const kb = loadKnowledgeBase();
  const icd = loadIcd10Codes();
  if (!icd) console.warn('kb:check: ../shared/data/icd10cm is absent: ICD-10-CM codes NOT checked against the code set (skipped).');
  const problems = checkKb(kb, icd);
  console.log(JSON.stringify(kbCounts(kb)));
  if (problems.length) {
    console.error(`kb:check: ${problems.length} problem(s)`);
    for (const p of problems) console.error(`  ${p}`);
    process.exit(1);
  }
  console.log('kb:check: ok');
} catch (e) {
  if (e instanceof KbInvalidError) { console.error(e.message); process.exit(1); }
  throw e;
}
