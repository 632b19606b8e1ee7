/**
 * A document nested deeper than the main thread's stack allows (about 900 levels) is read again in
 * a worker thread with a 256 MiB stack, which reaches kubectl's own limit of 10,000 levels. The
 * scan stays synchronous: the caller waits on a shared flag the worker sets when it has answered.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { MessageChannel, Worker, receiveMessageOnPort } from "node:worker_threads";
import { StreamError, type StreamDocument } from "./kube-stream";

const WORKER = `
const { workerData } = require("node:worker_threads");
const { text, port, done, module } = workerData;
let answer;
try {
  // As JSON text: V8 parses JSON without recursion, but clones a deep message with it.
  answer = { docs: JSON.stringify(require(module).readStream(text)) };
} catch (e) {
  answer = { error: String(e && e.message), line: e && e.line, column: e && e.column };
}
port.postMessage(answer);
Atomics.store(done, 0, 1);
Atomics.notify(done, 0);
`;

interface Answer {
  docs?: string;
  error?: string;
  line?: number;
  column?: number;
}

/** The compiled reader: beside this file in dist/, or in dist/ when running from sources. */
function compiledReader(): string | undefined {
  return [
    path.join(__dirname, "kube-stream.js"),
    path.join(__dirname, "..", "dist", "cli", "kube-stream.js"),
  ].find((f) => fs.existsSync(f));
}

/** readStream on a large stack; undefined when no compiled reader can be found. */
export function readStreamDeep(text: string): StreamDocument[] | undefined {
  const module = compiledReader();
  if (!module) return undefined;
  const { port1, port2 } = new MessageChannel();
  const done = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { text, port: port2, done, module },
    transferList: [port2],
    resourceLimits: { stackSizeMb: 256 },
  });
  try {
    Atomics.wait(done, 0, 0, 120_000);
    const answer = receiveMessageOnPort(port1)?.message as Answer | undefined;
    if (!answer) throw new StreamError("reading a deeply nested document took too long", 1);
    if (answer.error !== undefined)
      throw new StreamError(answer.error, answer.line ?? 1, answer.column ?? 1);
    return JSON.parse(answer.docs ?? "[]") as StreamDocument[];
  } finally {
    port1.close();
    void worker.terminate();
  }
}
