/**
 * A minimal, deterministic ONNX (protobuf) writer: enough of ModelProto to express graphs of MatMul, Add, Mul,
 * Softmax, ReduceL2 and Div over float tensors with float initializers. No protobuf library is needed and the
 * bytes depend only on the inputs (field order is fixed, no timestamps), so a rebuild gives the same file.
 * Field numbers follow onnx/onnx.proto (IR version 8, opset 17).
 */

class Writer {
  private chunks: Uint8Array[] = [];
  private len = 0;
  private push(b: Uint8Array) { this.chunks.push(b); this.len += b.length; }
  varint(v: number | bigint) {
    let x = BigInt(v);
    if (x < 0n) x = (1n << 64n) + x;
    const out: number[] = [];
    do { let byte = Number(x & 0x7fn); x >>= 7n; if (x) byte |= 0x80; out.push(byte); } while (x);
    this.push(Uint8Array.from(out));
  }
  key(field: number, wire: number) { this.varint((field << 3) | wire); }
  int(field: number, v: number | bigint) { this.key(field, 0); this.varint(v); }
  bytes(field: number, b: Uint8Array) { this.key(field, 2); this.varint(b.length); this.push(b); }
  string(field: number, s: string) { this.bytes(field, new TextEncoder().encode(s)); }
  msg(field: number, w: Writer) { this.bytes(field, w.finish()); }
  float(field: number, f: number) { this.key(field, 5); const b = new Uint8Array(4); new DataView(b.buffer).setFloat32(0, f, true); this.push(b); }
  finish(): Uint8Array {
    const out = new Uint8Array(this.len);
    let o = 0;
    for (const c of this.chunks) { out.set(c, o); o += c.length; }
    return out;
  }
}

export interface OnnxNode { op: string; inputs: string[]; outputs: string[]; attrs?: Record<string, number | { float: number } | number[]> }
export interface OnnxTensor { name: string; dims: number[]; data: Float32Array }
export interface OnnxIO { name: string; dims: (number | string)[] }
export interface OnnxGraph { name: string; nodes: OnnxNode[]; initializers: OnnxTensor[]; inputs: OnnxIO[]; outputs: OnnxIO[]; docString?: string }

const FLOAT = 1;

function valueInfo(io: OnnxIO): Writer {
  const shape = new Writer();
  for (const d of io.dims) {
    const dim = new Writer();
    if (typeof d === 'number') dim.int(1, d); else dim.string(2, d);
    shape.msg(1, dim);
  }
  const tensorType = new Writer();
  tensorType.int(1, FLOAT);
  tensorType.msg(2, shape);
  const type = new Writer();
  type.msg(1, tensorType);
  const vi = new Writer();
  vi.string(1, io.name);
  vi.msg(2, type);
  return vi;
}

function tensor(t: OnnxTensor): Writer {
  const w = new Writer();
  for (const d of t.dims) w.int(1, d);
  w.int(2, FLOAT);
  w.string(8, t.name);
  // raw_data is little-endian float32; copy so that a view on a larger buffer writes only its own bytes
  w.bytes(9, new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength)));
  return w;
}

function node(n: OnnxNode, i: number): Writer {
  const w = new Writer();
  for (const x of n.inputs) w.string(1, x);
  for (const x of n.outputs) w.string(2, x);
  w.string(3, `${n.op.toLowerCase()}_${i}`);
  w.string(4, n.op);
  for (const [name, v] of Object.entries(n.attrs ?? {})) {
    const a = new Writer();
    a.string(1, name);
    if (typeof v === 'number') { a.int(3, v); a.int(20, 2); }
    else if (Array.isArray(v)) { for (const x of v) a.int(8, x); a.int(20, 7); }
    else { a.float(2, v.float); a.int(20, 1); }
    w.msg(5, a);
  }
  return w;
}

export function encodeModel(g: OnnxGraph, producer = 'edge-ddx'): Uint8Array {
  const graph = new Writer();
  g.nodes.forEach((n, i) => graph.msg(1, node(n, i)));
  graph.string(2, g.name);
  for (const t of g.initializers) graph.msg(5, tensor(t));
  if (g.docString) graph.string(10, g.docString);
  for (const x of g.inputs) graph.msg(11, valueInfo(x));
  for (const x of g.outputs) graph.msg(12, valueInfo(x));
  const opset = new Writer();
  opset.string(1, '');
  opset.int(2, 17);
  const model = new Writer();
  model.int(1, 8);
  model.string(2, producer);
  model.string(3, '1');
  model.msg(7, graph);
  model.msg(8, opset);
  return model.finish();
}
