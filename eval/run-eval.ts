/**
 * npm run eval -- --set <ddxplus|avey|s2d|file> [--limit N] [--url http://host:port --key KEY] [--misses N] [--json out.json]
 *
 * Runs every case through the HTTP API (POST /v1/diagnosis) and prints top-1/3/5/10 accuracy (gold ICD-10-CM
 * category match on the reported code), triage figures, calibration of the top-1 probability (Brier score,
 * expected calibration error, reliability bins) and the missed cases. Without --url it starts the server
 * in-process on a free port with a temporary SQLite store.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSet, codeMatches, dataAvailable, DDXPLUS_ICD_ERRATA, type EvalCase } from './sets.ts';
import { URGENCY_RANK } from '../src/actors/emergency/rules.ts';

const args = process.argv.slice(2);
const opt = (name: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : undefined; };
const sets = (opt('set') ?? 'ddxplus,avey,s2d').split(',');
const limit = opt('limit') ? Number(opt('limit')) : undefined;
const showMisses = Number(opt('misses') ?? 15);
const concurrency = Number(opt('concurrency') ?? 8);

if (!dataAvailable() && sets.some((s) => ['ddxplus', 'avey', 's2d', 'symptom2disease'].includes(s))) {
  console.log('eval: ../shared/data is absent: the dev sets are not available here (skipped).');
  process.exit(0);
}

interface CondOut { id: string; name: string; icd10: string; icd10_codes?: string[]; probability: number }
interface Resp { urgency: { level: string }; conditions: CondOut[]; degraded: string[] }

async function main() {
  let url = opt('url');
  let key = opt('key') ?? '';
  let stop: (() => Promise<void>) | undefined;
  let dataDir: string | undefined;
  if (!url) {
    dataDir = mkdtempSync(join(tmpdir(), 'edge-ddx-eval-'));
    const { start } = await import('../src/main.ts');
    const { loadConfig } = await import('../src/config.ts');
    const app = await start(loadConfig({}, { port: 0, host: '127.0.0.1', dataDir, auth: false, logLevel: 'warn', requestTimeoutMs: 10_000 }));
    url = `http://127.0.0.1:${app.port}`;
    key = '';
    stop = app.shutdown.bind(null, 'eval');
  }
  const report: Record<string, unknown> = {};
  for (const set of sets) {
    let cases = loadSet(set);
    if (set === 'ddxplus') for (const [k, e] of Object.entries(DDXPLUS_ICD_ERRATA)) console.log(`ddxplus: gold code erratum applied: ${k} ${e.release} → ${e.corrected} (${e.why})`);
    if (limit) cases = cases.slice(0, limit);
    report[set] = await evaluate(set, cases, url!, key);
  }
  const out = opt('json');
  if (out) writeFileSync(out, JSON.stringify(report, null, 2));
  if (stop) await stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

async function evaluate(set: string, cases: EvalCase[], url: string, key: string) {
  const t0 = performance.now();
  const results: { c: EvalCase; r?: Resp; rank: number; err?: string }[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      const c = cases[i];
      try {
        const res = await fetch(`${url}/v1/diagnosis`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) }, body: JSON.stringify(c.request) });
        if (!res.ok) { results[i] = { c, rank: -1, err: `${res.status} ${(await res.text()).slice(0, 120)}` }; continue; }
        const r = await res.json() as Resp;
        // a condition matches when any of its ICD-10-CM codes (the reported one first) matches the gold
        const rank = r.conditions.findIndex((x) => (x.icd10_codes ?? [x.icd10]).some((code) => codeMatches(code, c.accept)));
        results[i] = { c, r, rank };
      } catch (e) { results[i] = { c, rank: -1, err: (e as Error).message }; }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const n = results.length;
  const at = (k: number) => results.filter((x) => x.rank >= 0 && x.rank < k).length / n;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  // calibration of the top-1 probability
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, acc: 0 }));
  let brier = 0;
  for (const x of results) {
    const p = x.r?.conditions[0]?.probability ?? 0;
    const y = x.rank === 0 ? 1 : 0;
    brier += (p - y) ** 2;
    const b = bins[Math.min(9, Math.floor(p * 10))];
    b.n++; b.conf += p; b.acc += y;
  }
  const ece = bins.reduce((s, b) => s + (b.n ? (b.n / n) * Math.abs(b.conf / b.n - b.acc / b.n) : 0), 0);
  const summary: Record<string, unknown> = {
    set, cases: n, errors: results.filter((x) => x.err).length,
    top1: pct(at(1)), top3: pct(at(3)), top5: pct(at(5)), top10: pct(at(10)),
    brier_top1: +(brier / n).toFixed(4), ece_top1: +ece.toFixed(4),
    reliability: bins.map((b, i) => ({ bin: `${i / 10}-${(i + 1) / 10}`, n: b.n, mean_p: b.n ? +(b.conf / b.n).toFixed(3) : null, accuracy: b.n ? +(b.acc / b.n).toFixed(3) : null })).filter((b) => b.n),
    seconds: +((performance.now() - t0) / 1000).toFixed(1),
  };
  const withSeverity = results.filter((x) => x.c.severity !== undefined && x.r);
  if (withSeverity.length) {
    // DDXPlus severity 1-2 should be at least urgent; 4-5 should not be emergency
    const rank: Record<string, number> = URGENCY_RANK;
    const expected = (s: number) => (s <= 1 ? 3 : s === 2 ? 2 : s === 3 ? 1.5 : s === 4 ? 1 : 0.5);
    let under = 0, over = 0, agree = 0, severeUnder = 0;
    for (const x of withSeverity) {
      const got = rank[x.r!.urgency.level], want = expected(x.c.severity!);
      if (x.c.severity! <= 2 && got < 2) severeUnder++;
      if (got < Math.floor(want)) under++; else if (got > Math.ceil(want)) over++; else agree++;
    }
    Object.assign(summary, {
      triage_agreement: pct(agree / withSeverity.length), under_triage: pct(under / withSeverity.length), over_triage: pct(over / withSeverity.length),
      severe_cases_below_urgent: severeUnder,
    });
  }
  const withUrgency = results.filter((x) => x.c.urgency !== undefined && x.r);
  if (withUrgency.length) {
    // a gold triage level (probe sets): exact agreement, under- and over-triage, and emergencies missed; a gold value
    // that is no level is an error in the set, not an agreement
    const level: Record<string, number> = URGENCY_RANK;
    const bad = withUrgency.filter((x) => !(x.c.urgency! in level));
    if (bad.length) throw new Error(`${set}: gold urgency must be one of ${Object.keys(level).join(', ')} (${bad.map((x) => x.c.id).slice(0, 5).join(', ')})`);
    let under = 0, over = 0, emergencyMissed = 0, careMissed = 0;
    const confusion: Record<string, Record<string, number>> = {};
    for (const x of withUrgency) {
      const got = level[x.r!.urgency.level], want = level[x.c.urgency!];
      if (got < want) under++; else if (got > want) over++;
      if (want === 3 && got < 2) emergencyMissed++;
      if (want >= 1 && got === 0) careMissed++;
      const row = confusion[x.c.urgency!] ??= {};
      row[x.r!.urgency.level] = (row[x.r!.urgency.level] ?? 0) + 1;
    }
    const m = withUrgency.length;
    Object.assign(summary, {
      gold_triage_cases: m,
      gold_triage_agreement: pct((m - under - over) / m), gold_under_triage: pct(under / m), gold_over_triage: pct(over / m),
      emergencies_below_urgent: emergencyMissed, care_needed_told_self_care: careMissed, triage_confusion: confusion,
    });
  }
  console.log(JSON.stringify(summary));
  for (const x of results.filter((r) => r.c.urgency !== undefined && r.r && r.r.urgency.level !== r.c.urgency).slice(0, showMisses)) {
    console.log(`  triage ${x.c.id} gold=${x.c.urgency} got=${x.r!.urgency.level} (${x.c.gold}; top=${x.r!.conditions[0]?.name})`);
  }
  const byGold = new Map<string, { n: number; hit: number }>();
  for (const x of results) { const g = byGold.get(x.c.gold) ?? { n: 0, hit: 0 }; g.n++; if (x.rank === 0) g.hit++; byGold.set(x.c.gold, g); }
  const worst = [...byGold].filter(([, g]) => g.hit < g.n).sort((a, b) => (a[1].hit / a[1].n) - (b[1].hit / b[1].n)).slice(0, 25);
  console.log(`  weakest gold diagnoses (top-1 hits/cases): ${worst.map(([k, g]) => `${k} ${g.hit}/${g.n}`).join('; ')}`);
  for (const x of results.filter((r) => r.rank !== 0).slice(0, showMisses)) {
    console.log(`  miss ${x.c.id} gold=${x.c.gold} [${x.c.accept.join(' ')}] rank=${x.rank < 0 ? '>' + (x.r?.conditions.length ?? 0) : x.rank + 1} top=${x.r?.conditions.slice(0, 3).map((c) => `${c.name}(${c.icd10},${c.probability})`).join(', ') ?? x.err}`);
  }
  return summary;
}

main().catch((e) => { console.error(e); process.exit(1); });
