/**
 * The hub's init container script that imports the mesh CA (for example one cert-manager issued).
 *
 * `ztm ca import` (ZTM 1.0.0-rc3 and later) stores the CA in the hub database and sometimes hangs
 * at exit after doing so (a thread join in Pipy's exec filter; 7 of 30 recorded runs), and on a
 * database error it prints and exits 0. So its exit status proves nothing either way: the import
 * is time-bounded, then verified by exporting the stored CA and comparing it with the input.
 */

/** Seconds each `ztm` call may take before the script stops waiting for it. */
export const CA_IMPORT_TIMEOUT_SECONDS = 60;

/** A POSIX sh script for the hub image (debian:12-slim: coreutils timeout, mktemp, mawk). */
export function caImportScript(
  paths: { data: string; cert: string; key: string },
  t: number = CA_IMPORT_TIMEOUT_SECONDS,
): string {
  return [
    "set -u",
    "umask 077",
    `timeout ${t} ztm ca import --data ${paths.data} --cert ${paths.cert} --key ${paths.key}`,
    "rc=$?",
    'if [ "$rc" -eq 124 ]; then',
    `  echo "ztm ca import did not exit within ${t} s (a known hang after its work); verifying the stored CA"`,
    'elif [ "$rc" -ne 0 ]; then',
    '  echo "ztm ca import failed with exit $rc" >&2',
    "  exit 1",
    "fi",
    "check=$(mktemp -d)",
    `timeout ${t} ztm ca export --data ${paths.data} --cert "$check/cert.pem" --key "$check/key.pem" >/dev/null`,
    // The first certificate block, whitespace removed: PEM line breaks may differ.
    "first() { awk '/-----BEGIN CERTIFICATE-----/{f=1} f{print} /-----END CERTIFICATE-----/{if(f)exit}' \"$1\" | tr -d ' \\r\\n'; }",
    `stored=$(first "$check/cert.pem" 2>/dev/null); wanted=$(first ${paths.cert})`,
    'rm -rf "$check"',
    'if [ -n "$stored" ] && [ "$stored" = "$wanted" ]; then echo "mesh CA imported"; exit 0; fi',
    `echo "ztm ca import: the CA stored in ${paths.data} is not the one in ${paths.cert}" >&2`,
    "exit 1",
  ].join("\n");
}
