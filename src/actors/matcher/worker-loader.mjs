// Piscina entry for the inference worker. Worker threads do not get tsx's ESM hooks from the parent's
// `--import tsx` when the module is loaded by piscina's dynamic import, so register them here, then load the
// TypeScript worker. Plain JavaScript on purpose: this file must load before any TypeScript hook exists.
import { register } from 'tsx/esm/api';

register();
const mod = await import('./worker.ts');
export default mod.default;
