/**
 * The baseline: a bare uWS endpoint on the same machine that reads a JSON body and answers a fixed JSON
 * document of similar size. The ratio of Edge DDx to this is the price of the engine itself.
 */
import { loadNativeUws } from '../../src/http/uws.ts';

const uws = loadNativeUws();
const answer = JSON.stringify({ session_id: '00000000-0000-0000-0000-000000000000', urgency: { level: 'routine' }, conditions: Array.from({ length: 10 }, (_, i) => ({ id: `c${i}`, icd10: 'R69', probability: 0.1 })) });
uws.App().post('/v1/diagnosis', (res) => {
  let aborted = false;
  res.onAborted(() => { aborted = true; });
  const chunks: Buffer[] = [];
  res.onData((ab, last) => {
    chunks.push(Buffer.from(ab.slice(0)));
    if (!last || aborted) return;
    JSON.parse(Buffer.concat(chunks).toString());
    res.cork(() => { res.writeHeader('Content-Type', 'application/json'); res.end(answer); });
  });
}).listen('127.0.0.1', 0, (sock) => {
  if (!sock) process.exit(1);
  console.log(JSON.stringify({ port: uws.us_socket_local_port(sock) }));
});
