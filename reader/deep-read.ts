/**
 * A document nested deeper than the main thread's stack allows (about 900 levels) is read again in
 * a worker thread with a 256 MiB stack, which reaches kubectl's own limit of 10,000 levels. The
 * scan stays synchronous: the caller waits on a shared flag the worker sets when it has answered.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { MessageChannel, Worker, receiveMessageOnPort } from "node:worker_threads";
import { GoYamlError } from "./goyaml-resolve";

const WORKER = `
const { workerData } = require("node:worker_threads");
const { chunk, port, done, module } = workerData;
let answer;
try {
  // As JSON text: V8 parses JSON without recursion, but clones a deep message with it.
  answer = { value: JSON.stringify(require(module).decodeChunk(chunk) ?? null) };
} catch (e) {
  answer = { error: String(e && e.message), offset: e && e.offset };
}
port.postMessage(answer);
Atomics.store(done, 0, 1);
Atomics.notify(done, 0);
`;

interface Answer {
  value?: string;
  error?: string;
  offset?: number;
}

/** The compiled reader: beside this file in dist/, or in dist/ when running from sources. */
function compiledReader(): string | undefined {
  return [
    path.join(__dirname, "goyaml.js"),
    path.join(__dirname, "..", "dist", "reader", "goyaml.js"),
  ].find((f) => fs.existsSync(f));
}

/** decodeChunk on a large stack; undefined when no compiled reader can be found. */
export function decodeChunkDeep(chunk: string): { value: unknown } | undefined {
  const module = compiledReader();
  if (!module) return undefined;
  const { port1, port2 } = new MessageChannel();
  const done = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { chunk, port: port2, done, module },
    transferList: [port2],
    resourceLimits: { stackSizeMb: 256 },
  });
  try {
    Atomics.wait(done, 0, 0, 120_000);
    const answer = receiveMessageOnPort(port1)?.message as Answer | undefined;
    if (!answer) throw new GoYamlError("reading a deeply nested document took too long");
    if (answer.error !== undefined) throw new GoYamlError(answer.error, answer.offset ?? 0);
    return { value: JSON.parse(answer.value ?? "null") };
  } finally {
    port1.close();
    void worker.terminate();
  }
}
