// The hub's CA script, run with sh against a stand-in `ztm` on PATH that behaves as the real CLI
// was recorded to (test/fixtures/ztm-agent/README.md, shared/reference/ztm-real-run.md F1-F4): its
// work is done at once, then it may hang at exit; it exits 0 on errors; an export with nothing
// stored says "CA certificate not found" and writes nothing.
import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { caImportScript } from "../../../components/ztm/hub-ca-import";
import { issueMaterial } from "../../../components/ztm/program-ca-material";

const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
const CERT = pem("TUlJQm1lc2hDQQ==");
const OTHER = pem("TUlJQm90aGVyQ0E=");
const sha256 = (body: string) =>
  crypto.createHash("sha256").update(Buffer.from(body, "base64")).digest("hex");

type Mode = "exit" | "hang" | "hang-all" | "store-nothing" | "fail" | "other" | "export-hangs";

// ztm re-encodes the key it stores as PKCS#8 (v1.0.4 cli/main.js:674); so does the stand-in.
const PKCS8 =
  "const c=require('crypto'),f=require('fs');try{process.stdout.write(c.createPrivateKey(f.readFileSync(process.argv[1])).export({type:'pkcs8',format:'pem'}))}catch(e){process.stdout.write(f.readFileSync(process.argv[1]))}";

/**
 * A `ztm` whose `ca import` stores the input (or not) and then exits, hangs or fails; `ca export`
 * writes the stored PEM with other line breaks, and hangs afterwards in `hang-all` mode, except
 * every third call (the real hang is intermittent).
 */
function fakeZtm(dir: string, mode: Mode) {
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  fs.writeFileSync(
    path.join(bin, "ztm"),
    `#!/bin/sh
op=$2; data=$4; cert=$6; key=$8
echo "$op" >> "${dir}/calls"
n=$(wc -l < "${dir}/calls")
hang() { [ "${mode}" = hang-all ] && [ $((n % 3)) -ne 0 ] && exec sleep 600; }
if [ "$op" = import ]; then
  echo import >> "${dir}/imports"
  case "${mode}" in
    fail) echo "ztm: cannot read certificate from file: $cert"; exit 0 ;;
    store-nothing) exit 0 ;;
    other) printf '%s' "${OTHER}" > "$data/ca.pem" ;;
    *) cp "$cert" "$data/ca.pem"; "${process.execPath}" -e "${PKCS8}" "$key" > "$data/ca.key" ;;
  esac
  [ "${mode}" = hang ] && exec sleep 600
  hang
  exit 0
fi
[ "${mode}" = export-hangs ] && exec sleep 600
[ -f "$data/ca.pem" ] || { echo "ztm: CA certificate not found"; exit 0; }
tr -d '\\n' < "$data/ca.pem" | sed 's/-----END/\\n-----END/; s/-----$/-----\\n/' > "$cert"
cp "$data/ca.key" "$key" 2>/dev/null || true
hang
exit 0
`,
    { mode: 0o755 },
  );
  return bin;
}

// Real CA certificates (test/fixtures/ztm-ca, made for these tests): a1 and a2 share one key
// (a renewal), b has another; a.key is PKCS#1 (cert-manager's default), a.pkcs8.key PKCS#8.
const fixture = (f: string) =>
  fs.readFileSync(path.join(__dirname, "..", "..", "fixtures", "ztm-ca", f), "utf8");
const [A1, A2, B] = [fixture("a1.pem"), fixture("a2.pem"), fixture("b.pem")];
const KEY = fixture("a.key");

function run(
  mode: Mode,
  options: {
    stored?: string;
    storedKey?: string;
    rotate?: boolean;
    cert?: string;
    key?: string;
  } = {},
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ztm-ca-"));
  fs.mkdirSync(path.join(dir, "data"));
  fs.mkdirSync(path.join(dir, "ca"));
  if (options.stored) fs.writeFileSync(path.join(dir, "data", "ca.pem"), options.stored);
  if (options.storedKey) fs.writeFileSync(path.join(dir, "data", "ca.key"), options.storedKey);
  fs.writeFileSync(path.join(dir, "ca", "cert.pem"), options.cert ?? CERT);
  fs.writeFileSync(path.join(dir, "ca", "key.pem"), options.key ?? KEY);
  const bin = fakeZtm(dir, mode);
  const script = caImportScript(
    {
      data: path.join(dir, "data"),
      cert: path.join(dir, "ca", "cert.pem"),
      key: path.join(dir, "ca", "key.pem"),
    },
    { rotate: options.rotate, seconds: 1 },
  );
  const started = Date.now();
  const r = spawnSync("/bin/sh", ["-c", script], {
    env: { PATH: `${bin}:${process.env.PATH ?? ""}`, TMPDIR: dir },
    encoding: "utf8",
  });
  const read = (f: string) =>
    fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), "utf8") : "";
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    seconds: (Date.now() - started) / 1000,
    leftovers: fs.readdirSync(dir).filter((f) => f.startsWith("tmp.")),
    imports: read("imports").split("\n").filter(Boolean).length,
    stored: read("data/ca.pem"),
  };
}

describe("the hub's mesh CA at start", () => {
  test("with none stored, imports the Secret's CA, verifies it, and leaves no key behind", () => {
    const r = run("exit");
    expect(r).toMatchObject({ code: 0, leftovers: [], imports: 1, stderr: "" });
    expect(r.stdout).toBe(`mesh CA imported (sha256 ${sha256("TUlJQm1lc2hDQQ==")})\n`);
  });

  test("the same CA stored: nothing is imported, and no error is printed", () => {
    const r = run("exit", { stored: CERT });
    expect(r).toMatchObject({ code: 0, imports: 0, stderr: "" });
    expect(r.stdout).toMatch(/^mesh CA in place \(sha256 [0-9a-f]{64}\); nothing to import\n$/);
  });

  test.each([
    ["PKCS#1, cert-manager's default", "a.key"],
    ["PKCS#8", "a.pkcs8.key"],
  ])(
    "a renewal (another certificate, the same key, the Secret's key as %s) is imported",
    (_, keyFile) => {
      // What the first start stored, through the stand-in: the certificate, the key as PKCS#8.
      const first = run("exit", { cert: A1, key: fixture(keyFile) });
      expect(first.code).toBe(0);
      const r = run("exit", {
        stored: A1,
        storedKey: fixture("a.pkcs8.key"),
        cert: A2,
        key: fixture(keyFile),
      });
      expect(r).toMatchObject({ code: 0, imports: 1, stderr: "", stored: A2 });
      expect(r.stdout).toMatch(
        /^renewing the mesh CA certificate with the same key: sha256 [0-9a-f]{64} becomes sha256 [0-9a-f]{64}\nmesh CA imported/,
      );
    },
  );

  test("ZtmProgramCa's CA and its renewal 18 years on: imported, then taken as a renewal", () => {
    const lifetimes = {
      caHours: 175_200,
      caRenewBeforeHours: 17_520,
      permitHours: 8_760,
      permitRenewBeforeHours: 2_160,
      permits: [],
    };
    const made = issueMaterial(lifetimes, new Date("2026-12-07T00:00:00Z"));
    const first = run("exit", { cert: made.caCertificate, key: made.caKey });
    expect(first).toMatchObject({ code: 0, imports: 1, stored: made.caCertificate });
    const later = new Date("2045-01-01T00:00:00Z");
    const renewed = issueMaterial(lifetimes, later, made, lifetimes);
    const r = run("exit", {
      stored: made.caCertificate,
      storedKey: crypto
        .createPrivateKey(made.caKey)
        .export({ type: "pkcs8", format: "pem" })
        .toString(),
      cert: renewed.caCertificate,
      key: renewed.caKey,
    });
    expect(r).toMatchObject({ code: 0, imports: 1, stderr: "", stored: renewed.caCertificate });
    expect(r.stdout).toMatch(/^renewing the mesh CA certificate with the same key/);
  });

  test("another key stored: the start is refused, naming both, and the stored CA is kept", () => {
    for (const stored of [B, OTHER]) {
      const r = run("exit", { stored, storedKey: fixture("b.key"), cert: A2, key: KEY });
      expect(r).toMatchObject({ code: 1, imports: 0, stored });
      expect(r.stderr).toMatch(
        /holds mesh CA sha256 [0-9a-f]{64}, the Secret holds sha256 [0-9a-f]{64}; importing it would orphan every agent permit/,
      );
    }
    // The fingerprints named are the certificates' own.
    const r = run("exit", { stored: OTHER, storedKey: "x" });
    expect(r.stderr).toContain(
      `holds mesh CA sha256 ${sha256("TUlJQm90aGVyQ0E=")}, the Secret holds sha256 ${sha256("TUlJQm1lc2hDQQ==")}; importing it would orphan every agent permit`,
    );
  });

  test("a rotation asked for replaces it, and says so", () => {
    const r = run("exit", { stored: OTHER, storedKey: "x", rotate: true });
    expect(r).toMatchObject({ code: 0, imports: 1 });
    expect(r.stdout).toMatch(/^rotating the mesh CA: sha256 [0-9a-f]{64} is replaced by sha256/);
    expect(r.stdout).toContain("mesh CA imported");
  });

  test("hangs at exit are bounded by seconds and retried, not waited out", () => {
    const once = run("hang");
    expect(once).toMatchObject({ code: 0, imports: 1 });
    expect(once.seconds).toBeLessThan(5);
    // Every call hangs but every third: still done within a few bounded attempts.
    const often = run("hang-all");
    expect(often.code).toBe(0);
    expect(often.stdout).toContain("mesh CA imported");
    expect(often.seconds).toBeLessThan(12);
  });

  test("an export that never answers is no 'nothing stored': the start is refused, nothing imported", () => {
    for (const stored of [undefined, OTHER]) {
      const r = run("export-hangs", { stored });
      expect(r).toMatchObject({ code: 1, imports: 0, stored: stored ?? "" });
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(
        /^refusing to start: cannot tell which mesh CA \S+ holds: ztm ca export gave neither a certificate nor "not found" in 3 attempts of 1 s; nothing was imported/,
      );
      expect(r.seconds).toBeLessThan(8);
    }
  });

  test.each(["store-nothing", "fail", "other"] as const)(
    "an import that %s is retried, then fails naming why; success is never printed",
    (mode) => {
      const r = run(mode);
      expect(r.code).toBe(1);
      expect(r.imports).toBe(3);
      expect(r.stdout).not.toContain("imported");
      expect(r.stderr).toMatch(/after 3 attempts the CA stored in \S+ is not the one in \S+/);
      if (mode === "fail") expect(r.stderr).toContain("cannot read certificate from file");
    },
  );
});
