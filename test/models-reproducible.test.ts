// Stale models cannot ship: the installed artifacts match the knowledge base they claim, the build is
// byte-for-byte reproducible, and an edit to the knowledge base makes the artifacts refuse to load.
// The builds here run as child processes on a copy of the knowledge base, writing into temp folders
// (EDGE_DDX_KB_DIR, EDGE_DDX_BUILD_DIR), so models/build, which other test files read, is never touched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MANIFEST_FILE, assertFreshArtifacts } from '../src/kb/artifacts.ts';
import { DEFAULT_KB_DIR } from '../src/kb/load.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../src/kb/artifacts.ts', import.meta.url));

let tmp: string;
let kbCopy: string;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'edge-ddx-repro-'));
  kbCopy = join(tmp, 'kb');
  cpSync(DEFAULT_KB_DIR, kbCopy, { recursive: true });
});
after(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

function env(kbDir: string, buildDir: string): NodeJS.ProcessEnv {
  return { ...process.env, EDGE_DDX_KB_DIR: kbDir, EDGE_DDX_BUILD_DIR: buildDir };
}

async function build(kbDir: string, buildDir: string): Promise<void> {
  await run(process.execPath, ['--import', 'tsx', 'models/scripts/build-models.ts'], { cwd: ROOT, env: env(kbDir, buildDir), timeout: 30_000 });
}

/** assertFreshArtifacts in a child whose BUILD_DIR is `buildDir` (the module reads it once at import). */
async function freshness(kbDir: string, buildDir: string): Promise<{ ok: true } | { ok: false; message: string }> {
  const code = `import { assertFreshArtifacts } from ${JSON.stringify(ARTIFACTS)};
try { assertFreshArtifacts(process.env.EDGE_DDX_KB_DIR); console.log(JSON.stringify({ ok: true })); }
catch (e) { console.log(JSON.stringify({ ok: false, message: e.message })); }`;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, env: env(kbDir, buildDir), timeout: 30_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

/** The two builds of the copy, started once and shared by the tests that need them (a build takes seconds). */
let twoBuilds: Promise<[string, string]> | undefined;
function buildTwice(): Promise<[string, string]> {
  twoBuilds ??= (async () => {
    const a = join(tmp, 'build-a'), b = join(tmp, 'build-b');
    await Promise.all([build(kbCopy, a), build(kbCopy, b)]);
    return [a, b] as [string, string];
  })();
  return twoBuilds;
}

function files(dir: string): Map<string, Buffer> {
  return new Map(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f))]));
}

test('the installed artifacts (models/build) were built from the knowledge base in models/kb', () => {
  const m = assertFreshArtifacts(DEFAULT_KB_DIR);
  assert.ok(m.conditionIds.length > 0 && m.findingIds.length > 0);
});

test('building twice from the same knowledge base gives the same bytes', async () => {
  const [a, b] = await buildTwice();
  const fa = files(a), fb = files(b);
  assert.deepEqual([...fa.keys()], [...fb.keys()]);
  for (const name of ['diagnosis.onnx', 'encoder.onnx', 'phrases.usearch', 'conditions.usearch', 'manifest.json']) assert.ok(fa.has(name), `${name} written`);
  for (const [name, bytes] of fa) assert.ok(bytes.equals(fb.get(name)!), `${name} differs between two builds`);
  // the same knowledge base (path-independent hash) gives the same models as the installed ones
  const installed = JSON.parse(readFileSync(MANIFEST_FILE, 'utf8')) as { kbHash: string; files: Record<string, string> };
  const built = JSON.parse(fa.get('manifest.json')!.toString('utf8')) as { kbHash: string; files: Record<string, string> };
  assert.equal(built.kbHash, installed.kbHash);
  assert.deepEqual(built.files, installed.files);
});

test('editing one probability in the knowledge base makes the built artifacts stale', async () => {
  const [out] = await buildTwice();
  assert.deepEqual(await freshness(kbCopy, out), { ok: true });

  const dir = join(kbCopy, 'conditions');
  const file = join(dir, readdirSync(dir).filter((f) => f.endsWith('.json')).sort()[0]);
  const data = JSON.parse(readFileSync(file, 'utf8')) as { conditions: { findings: { p: number }[] }[] };
  const f = data.conditions[0].findings[0];
  f.p = f.p > 0.5 ? Math.round((f.p - 0.1) * 1000) / 1000 : Math.round((f.p + 0.1) * 1000) / 1000;
  writeFileSync(file, JSON.stringify(data, null, 2));

  const r = await freshness(kbCopy, out);
  assert.equal(r.ok, false, 'artifacts built before the edit must be refused');
  assert.match((r as { message: string }).message, /stale/);
});
