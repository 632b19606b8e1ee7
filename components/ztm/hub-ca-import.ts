/**
 * The hub's init container script that puts the mesh CA from a Secret (for example one
 * cert-manager issued) into the hub database, once, and never replaces it by accident.
 *
 * What the real `ztm` 1.0.4 does (shared/reference/ztm-real-run.md F1-F4, docs/upstream.md U11):
 * `ca import` and `ca export` finish their work in under 0.3 s but sometimes hang at exit (a thread
 * join in Pipy's child-process monitor; 9 and 7 of 30 runs), and `ztm` exits 0 on every CLI error.
 * So no exit status is trusted: each call is bounded by a few seconds and retried, and the outcome
 * is read back with `ca export`. The stored CA is exported first:
 * - none stored: the Secret's CA is imported, and the start succeeds only once the export shows it;
 * - the same certificate stored: nothing is imported, nothing changes;
 * - the same key with another certificate (a renewal, as ZtmMeshCa's cert-manager CA renews):
 *   imported, since every permit still verifies. Keys are compared as public keys, taken from the
 *   certificates: ztm re-encodes the key it stores as PKCS#8 (ztm v1.0.4 cli/main.js:674), while
 *   cert-manager writes PKCS#1 by default, so their PEM texts differ for the same key;
 * - another key: the start is refused, naming both certificates, because importing it would
 *   orphan every agent permit issued under the stored one, unless a rotation is asked for;
 * - no answer either way (every export timed out without a certificate or "not found"): the start
 *   is refused; an unknown state is never imported over.
 */

/**
 * Prints the SubjectPublicKeyInfo of the DER certificate on stdin as hex: Certificate and
 * TBSCertificate headers, then past [0] version (when present), serial, signature algorithm,
 * issuer, validity and subject (RFC 5280 4.1). No single quote: it goes inside sh's '…'.
 */
const SPKI_PERL = [
  "local $/; my $d = <STDIN>;",
  "sub at { my ($o) = @_; my $l = ord substr($d, $o + 1, 1); my $h = 2;",
  "  if ($l & 0x80) { my $n = $l & 0x7f; $l = 0; $l = $l * 256 + ord substr($d, $o + 2 + $_, 1) for 0 .. $n - 1; $h += $n }",
  "  return ($h, $l) }",
  "exit 1 if length($d) < 16 || ord($d) != 0x30;",
  "my ($h) = at(0); my $o = $h; ($h) = at($o); $o += $h;",
  "my $skip = ord(substr($d, $o, 1)) == 0xa0 ? 6 : 5;",
  "for (1 .. $skip) { my ($hh, $ll) = at($o); $o += $hh + $ll }",
  "my ($hh, $ll) = at($o); exit 1 if $o + $hh + $ll > length($d) || ord(substr($d, $o, 1)) != 0x30;",
  'print unpack("H*", substr($d, $o, $hh + $ll));',
].join(" ");

/** Seconds each `ztm` call may take: its work takes under 0.3 s; past this it is hanging. */
export const ZTM_CALL_SECONDS = 10;
/** Attempts of each call before the script gives up. */
export const ZTM_CALL_ATTEMPTS = 3;

/** A POSIX sh script for the hub image (debian:12-slim: coreutils timeout, base64, sha256sum). */
export function caImportScript(
  paths: { data: string; cert: string; key: string },
  options: { rotate?: boolean; seconds?: number; attempts?: number } = {},
): string {
  const t = options.seconds ?? ZTM_CALL_SECONDS;
  const n = options.attempts ?? ZTM_CALL_ATTEMPTS;
  return [
    "set -u",
    "umask 077",
    "work=$(mktemp -d); trap 'rm -rf \"$work\"' EXIT",
    // The first certificate block, whitespace removed: PEM line breaks may differ.
    "first() { awk '/-----BEGIN CERTIFICATE-----/{f=1} f{print} /-----END CERTIFICATE-----/{if(f)exit}' \"$1\" 2>/dev/null | tr -d ' \\r\\n'; }",
    // The SHA-256 fingerprint of a certificate's DER, as openssl x509 -fingerprint -sha256 gives it.
    "fingerprint() { first \"$1\" | sed 's/-----[A-Z ]*-----//g' | base64 -d 2>/dev/null | sha256sum | cut -c1-64; }",
    // The certificate's public key (its SubjectPublicKeyInfo, as hex DER): the CA's key compared as
    // a key, whatever encoding each side keeps its private key in (ztm stores PKCS#8, cert-manager
    // writes PKCS#1 by default). perl-base is in every Debian image; empty when it is no certificate.
    `spki() { first "$1" | sed 's/-----[A-Z ]*-----//g' | base64 -d 2>/dev/null | perl -e '${SPKI_PERL}' 2>/dev/null; }`,
    // The stored CA, exported into $work/stored.pem: bounded, retried, read from the file.
    // 0: a CA is stored; 1: ztm said none is ("not found"); 2: it could not be told (no answer).
    // sh has no local variables: the export's counter is its own.
    "stored_ca() {",
    "  e=0",
    `  while [ "$e" -lt ${n} ]; do`,
    "    e=$((e + 1))",
    '    rm -f "$work/stored.pem" "$work/stored.key"',
    `    timeout ${t} ztm ca export --data ${paths.data} --cert "$work/stored.pem" --key "$work/stored.key" >"$work/export.log" 2>&1`,
    '    [ -n "$(first "$work/stored.pem")" ] && return 0',
    '    grep -q "not found" "$work/export.log" && return 1',
    "  done",
    "  return 2",
    "}",
    `wanted=$(first ${paths.cert})`,
    `if [ -z "$wanted" ]; then echo "the mesh CA Secret holds no certificate at ${paths.cert}" >&2; exit 1; fi`,
    // Fail closed: what cannot be read is never taken for "nothing stored" and imported over.
    "stored_ca; state=$?",
    'if [ "$state" -eq 2 ]; then',
    `  echo "refusing to start: cannot tell which mesh CA ${paths.data} holds: ztm ca export gave neither a certificate nor \\"not found\\" in ${n} attempts of ${t} s; nothing was imported: $(tail -n 3 "$work/export.log" | tr '\n' ' ')" >&2`,
    "  exit 1",
    "fi",
    'if [ "$state" -eq 0 ]; then',
    '  if [ "$(first "$work/stored.pem")" = "$wanted" ]; then',
    `    echo "mesh CA in place (sha256 $(fingerprint ${paths.cert})); nothing to import"`,
    "    exit 0",
    "  fi",
    // A renewal (cert-manager with rotationPolicy Never) keeps the key: every permit still verifies.
    `  have=$(spki "$work/stored.pem"); want=$(spki ${paths.cert})`,
    '  if [ -n "$have" ] && [ "$have" = "$want" ]; then',
    `    echo "renewing the mesh CA certificate with the same key: sha256 $(fingerprint "$work/stored.pem") becomes sha256 $(fingerprint ${paths.cert})"`,
    ...(options.rotate
      ? [
          "  else",
          `    echo "rotating the mesh CA: sha256 $(fingerprint "$work/stored.pem") is replaced by sha256 $(fingerprint ${paths.cert}); agent permits issued under the old CA stop working"`,
        ]
      : [
          "  else",
          `    echo "refusing to start: ${paths.data} holds mesh CA sha256 $(fingerprint "$work/stored.pem"), the Secret holds sha256 $(fingerprint ${paths.cert}); importing it would orphan every agent permit issued under the stored CA. Restore the Secret, or set ca.rotate to replace the CA on purpose" >&2`,
          "    exit 1",
        ]),
    "  fi",
    "fi",
    "i=0",
    `while [ "$i" -lt ${n} ]; do`,
    "  i=$((i + 1))",
    `  timeout ${t} ztm ca import --data ${paths.data} --cert ${paths.cert} --key ${paths.key} >"$work/import.log" 2>&1`,
    '  if stored_ca && [ "$(first "$work/stored.pem")" = "$wanted" ]; then',
    `    echo "mesh CA imported (sha256 $(fingerprint ${paths.cert}))"`,
    "    exit 0",
    "  fi",
    "done",
    'echo "ztm ca import: after ' +
      String(n) +
      " attempts the CA stored in " +
      paths.data +
      " is not the one in " +
      paths.cert +
      ": $(tail -n 3 \"$work/import.log\" | tr '\\n' ' ')\" >&2",
    "exit 1",
  ].join("\n");
}
