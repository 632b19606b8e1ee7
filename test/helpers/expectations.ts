// Expected values that several tests assert, written out field by field.

/** The restricted container security context for nobody (65534). */
export const RESTRICTED_NOBODY_CONTAINER = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: 65534,
  runAsGroup: 65534,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};
