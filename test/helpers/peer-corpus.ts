// The peer-policy corpus lives in ../shared/peer-corpus beside the clone (CI always has it); it is
// copied from public repositories, so it is never committed here. Suites that need it run as
// `npm run test:peers` and the e2e suite, never under `npm test`.
import * as fs from "node:fs";
import * as path from "node:path";

/** The peer corpus folder (ZEROPORT_PEER_CORPUS overrides); throws, loudly, when it is missing. */
export function peerCorpusDir(): string {
  const dir =
    process.env.ZEROPORT_PEER_CORPUS ??
    path.resolve(__dirname, "..", "..", "..", "shared", "peer-corpus");
  if (!fs.existsSync(path.join(dir, "expectations.json")))
    throw new Error(
      `peer corpus not found at ${dir}: this suite needs ../shared/peer-corpus beside the clone ` +
        "(or ZEROPORT_PEER_CORPUS pointing at it)",
    );
  return dir;
}
